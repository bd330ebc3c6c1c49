import Foundation
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

/// Runs a pipeline's checks and smoke scripts through `/bin/sh -c` in a release directory, with the
/// same process handling as builds: output streamed line by line, the whole process group killed
/// past the timeout, anything left running in the group killed when it ends.
package struct ShellStageRunner: StageCommandRunner {
    private let baseEnvironment: [String: String]
    private let redactor: Redactor

    /// `stageMarker`: the state directory, set in every command's environment (`StageMarker`) so a
    /// later daemon can kill a check or smoke script this one leaves running when it dies.
    /// `redactor`: hides secrets in the output as it is read, before it is cut into lines.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment, stageMarker: String? = nil,
                 redactor: Redactor = Redactor()) {
        var environment = environment
        environment[StageMarker.variable] = stageMarker
        self.baseEnvironment = environment
        self.redactor = redactor
    }

    package func run(_ command: String, in directory: String, environment: [String: String], timeout: Duration,
                    log: @escaping @Sendable (String) -> Void) async throws -> StageCommandOutcome {
        let shell = Command(executable: "/bin/sh", arguments: ["-c", command],
                            environment: baseEnvironment.merging(environment) { _, stage in stage },
                            directory: directory, timeout: timeout, redactor: redactor)
        let outcome: Command.Outcome
        do {
            outcome = try await shell.run(lines: log)
        } catch {
            throw SlipwayError(.internalError, "cannot run \(command) in \(directory): \(error)")
        }
        switch outcome.termination {
        case .exited(let status): return StageCommandOutcome(status: status, timedOut: outcome.timedOut)
        case .signalled: return StageCommandOutcome(status: nil, timedOut: outcome.timedOut)
        }
    }
}
