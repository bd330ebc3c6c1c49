import SlipwayModel

/// Runs releases as live instances: local processes today, containers later.
package protocol Runtime: Sendable {
    /// Starts a release on a free loopback port; returns once it is spawned (not yet healthy).
    /// Throws `SlipwayError(.startFailed)` when it cannot be spawned.
    func start(_ release: Release, service: ServiceConfig) async throws -> Instance

    /// Stops an instance: SIGTERM to its process group, SIGKILL after `timeout`.
    /// Returns when it is gone. Stopping an instance that already exited is not an error.
    func stop(_ instance: Instance, timeout: Duration) async

    /// Whether a recorded instance is still the same live process (pid alive and start token equal),
    /// used after a daemon restart to re-adopt instead of restarting.
    func isAlive(_ instance: Instance) async -> Bool

    /// Takes over watching an instance found alive after a daemon restart, so its exit is reported.
    func adopt(_ instance: Instance) async

    /// Every exit of a watched instance, expected (after `stop`) or not (a crash).
    /// One consumer: the controller.
    var exits: AsyncStream<InstanceExit> { get }

    /// The last `lines` lines of an instance's output, for error messages.
    func logTail(_ instance: Instance, lines: Int) async -> String

    /// Instances this runtime started for this project that still run but are not among `recorded`:
    /// a daemon that died between starting an instance and recording it leaves one so. Recovery
    /// stops them, so nothing keeps running (and holding a port) that no record names.
    func unrecorded(excluding recorded: [Instance]) async -> [Instance]
}

package struct InstanceExit: Sendable, Equatable {
    package var instance: Instance
    /// The exit status when it exited, nil when it was killed by a signal or its status is unknown (adopted).
    package var status: Int32?
    package var signal: Int32?
    /// True when the exit followed a `stop` call.
    package var requested: Bool

    package init(instance: Instance, status: Int32?, signal: Int32?, requested: Bool) {
        self.instance = instance
        self.status = status
        self.signal = signal
        self.requested = requested
    }

    package var summary: String {
        if let status { return "exited with status \(status)" }
        if let signal { return "killed by signal \(signal)" }
        return "exited"
    }
}
