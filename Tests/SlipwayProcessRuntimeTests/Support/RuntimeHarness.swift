import Foundation
import SlipwayCore
import SlipwayModel
import SlipwayTestSupport
@testable import SlipwayProcessRuntime

/// A runtime with its supervision loop running and its exits recorded, in a fresh workspace.
/// Whatever a test started is stopped at the end, even when the test fails.
struct RuntimeHarness: Sendable {
    let runtime: ProcessRuntime
    let workspace: ReleaseWorkspace
    let exits: ExitRecorder

    /// The built `slipway` (a dependency of this test target) relays the instances' output: the
    /// test bundle itself has no `log-relay`.
    static let relay = OutputRelay.Command(executable: BuiltProducts.path("slipway"))

    static func run(pollInterval: Duration = .milliseconds(20), redactor: Redactor = Redactor(),
                    _ body: @Sendable (RuntimeHarness) async throws -> Void) async throws {
        let workspace = try ReleaseWorkspace()
        defer { workspace.remove() }
        let harness = RuntimeHarness(
            runtime: ProcessRuntime(logDirectory: workspace.logDirectory, logger: .quiet, relay: relay, redactor: redactor,
                                    pollInterval: pollInterval),
            workspace: workspace, exits: ExitRecorder())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await harness.runtime.run() }
            group.addTask {
                for await exit in harness.runtime.exits { await harness.exits.record(exit) }
            }
            let outcome = await Result { try await body(harness) }
            await harness.stopEverything()
            group.cancelAll()
            try outcome.get()
        }
    }

    func service(run: String, env: [String: String] = [:]) -> ServiceConfig {
        ServiceConfig(name: "web", run: run, env: env)
    }

    /// Starts `run` in the workspace's release directory.
    func start(_ run: String, env: [String: String] = [:], releaseID: String = "20260101000000-abcdef12") async throws -> Instance {
        try await runtime.start(workspace.release(id: releaseID), service: service(run: run, env: env))
    }

    /// Waits until the instance's log holds `text`.
    func waitForLog(_ instance: Instance, containing text: String) async throws {
        try await waitUntil("\"\(text)\" in \(instance.logFile)") {
            await runtime.logTail(instance, lines: 200).contains(text)
        }
    }

    private func stopEverything() async {
        for pid in await runtime.watched.keys {
            if let instance = await runtime.watched[pid]?.instance {
                await runtime.stop(instance, timeout: .milliseconds(500))
            }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
