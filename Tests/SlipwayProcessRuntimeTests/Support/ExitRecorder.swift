import SlipwayCore
import SlipwayModel
import SlipwayTestSupport

/// Collects a runtime's exit events, the stream's one consumer, so tests can wait for them.
actor ExitRecorder {
    private(set) var exits: [InstanceExit] = []

    func record(_ exit: InstanceExit) {
        exits.append(exit)
    }

    func exits(of instance: Instance) -> [InstanceExit] {
        exits.filter { $0.instance == instance }
    }

    /// The first exit reported for `instance`, waiting for it.
    func waitForExit(of instance: Instance, timeout: Duration = .seconds(15)) async throws -> InstanceExit {
        try await waitUntil("the exit of pid \(instance.pid)", timeout: timeout) { !exits(of: instance).isEmpty }
        return exits(of: instance)[0]
    }
}
