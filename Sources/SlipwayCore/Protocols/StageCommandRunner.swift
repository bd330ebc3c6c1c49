import SlipwayModel

/// Runs a pipeline command (a check, a smoke script) in a release directory.
package protocol StageCommandRunner: Sendable {
    /// Runs `command` through `/bin/sh -c` in `directory` with the daemon's environment plus
    /// `environment`, streaming each output line to `log`. Past `timeout` its whole process group is
    /// killed. Throws only when it cannot be started.
    func run(_ command: String, in directory: String, environment: [String: String], timeout: Duration,
             log: @escaping @Sendable (String) -> Void) async throws -> StageCommandOutcome
}

package struct StageCommandOutcome: Sendable, Equatable {
    package var status: Int32?
    package var timedOut: Bool

    package init(status: Int32?, timedOut: Bool) {
        self.status = status
        self.timedOut = timedOut
    }

    package var succeeded: Bool { !timedOut && status == 0 }
}
