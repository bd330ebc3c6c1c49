import Foundation
import Logging
import SlipwayConfig
import SlipwayModel
import SlipwayServer

/// `slipway demo`: the real daemon, proxy, runtime and git releases on a throwaway repository,
/// under steady load: deploy v1, v2, a v3 that never turns healthy, then roll back to v1.
struct DemoRunner {
    struct Step {
        var name: String
        var expected: ExitStatus
        var exit: ExitStatus
        var seconds: Double
        var load: LoadGenerator.Counts?
        var serving: String
        var note: String

        /// How the demo's table reads the step: what a newcomer checks first.
        var result: String {
            if exit != expected { return "UNEXPECTED" }
            if (load?.failed ?? 0) > 0 { return "REQUESTS FAILED" }
            return expected == .success ? "ok" : "failed as expected"
        }
    }

    var exampleBinary: String
    var output: (String) -> Void

    /// Returns the steps; the demo passed when every step ended as expected with no failed request.
    func run() async throws -> [Step] {
        let repository = try DemoRepository.create(exampleBinary: exampleBinary)
        defer { repository.remove() }
        output("demo repository: \(repository.root) (tags v1, v2, v3)")
        let config = try ConfigLoader.load(path: repository.configFile)
        var logger = Logger(label: "slipway-demo")
        logger.logLevel = .error
        let daemon = Daemon(config: config, logger: logger)
        let (ready, readyContinuation) = AsyncStream<SocketAddressSpec>.makeStream()

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await daemon.run(handleSignals: false) { readyContinuation.yield($0) }
            }
            var iterator = ready.makeAsyncIterator()
            guard let proxy = await iterator.next() else { throw SlipwayError(.internalError, "the daemon did not start") }
            output("daemon running: proxy on http://\(proxy), API on \(daemon.socketPath)\n")
            let client = DaemonClient(configFile: repository.configFile)
            let load = LoadGenerator(url: "http://\(proxy)/", clients: 4)
            var steps: [Step] = []
            do {
                steps.append(try await step("deploy v1 (first release)", expect: .success, load: nil, client: client) {
                    try await client.stream("/v1/deployments", body: DeployRequest(service: "web", ref: "v1"),
                                            last: .finished, onEvent: { _ in })
                })
                group.addTask { await load.run() }
                steps.append(try await step("steady load on v1", expect: .success, load: load, client: client) {
                    try await Task.sleep(for: .seconds(1))
                    return nil
                })
                steps.append(try await step("deploy v2", expect: .success, load: load, client: client) {
                    try await client.stream("/v1/deployments", body: DeployRequest(service: "web", ref: "v2"),
                                            last: .finished, onEvent: { _ in })
                })
                steps.append(try await step("deploy v3 (health fails)", expect: .deployFailed, load: load, client: client) {
                    try await client.stream("/v1/deployments", body: DeployRequest(service: "web", ref: "v3"),
                                            last: .finished, onEvent: { _ in })
                })
                steps.append(try await step("rollback to v1", expect: .success, load: load, client: client) {
                    try await client.stream("/v1/rollbacks", body: RollbackRequest(service: "web", to: "v1"),
                                            last: .finished, onEvent: { _ in })
                })
                steps.append(try await step("steady load on v1", expect: .success, load: load, client: client) {
                    try await Task.sleep(for: .seconds(1))
                    return nil
                })
            } catch {
                load.stop()
                await daemon.shutdown()
                try? await group.waitForAll()
                await load.shutdown()
                throw error
            }
            // Stop the load first (its requests in flight finish), then the daemon gracefully:
            // it stops the releases it runs, so the demo leaves nothing running.
            load.stop()
            await daemon.shutdown()
            try await group.waitForAll()
            await load.shutdown()
            return steps
        }
    }

    private func step(_ name: String, expect: ExitStatus, load: LoadGenerator?, client: DaemonClient,
                      _ body: () async throws -> DeploymentEvent?) async throws -> Step {
        output("▸ \(name)…")
        let before = load?.snapshot
        let started = ContinuousClock.now
        let event = try await body()
        let seconds = (ContinuousClock.now - started).seconds
        let counts = load.map { $0.snapshot - before! }
        var exit = ExitStatus.success
        var note = ""
        if let event {
            if let error = event.error {
                exit = error.exitCode
                note = error.message
            } else if let deployment = event.deployment {
                exit = deployment.exitCode ?? .deployFailed
                note = deployment.message ?? ""
            }
        }
        let status = try await client.get(StatusResponse.self, "/v1/status")
        let serving = status.services.first?.activeRelease?.version ?? "-"
        let step = Step(name: name, expected: expect, exit: exit, seconds: seconds, load: counts, serving: serving, note: note)
        let mark = exit == expect && (counts?.failed ?? 0) == 0 ? "✔" : "✘"
        // A step meant to fail says so: a bare tick beside a failed deploy reads as its success.
        let outcome = exit == .success ? "" : exit == expect ? "failed as expected, " : "failed, "
        output("\(mark) \(name): \(outcome)exit \(exit.rawValue) in \(Terminal.seconds(seconds)); serving \(serving)"
            + (note.isEmpty ? "" : "\n    \(note.split(separator: "\n").first ?? "")"))
        return step
    }
}
