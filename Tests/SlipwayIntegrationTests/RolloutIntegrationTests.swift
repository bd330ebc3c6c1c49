import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// Canary and blue-green deployments through the real daemon, proxy process and example service,
/// under HTTP load.
@Suite(.serialized) struct RolloutIntegrationTests {
    /// A canary of three steps; with `pause: manual` (a person decides) the latency rule is all but
    /// off (the analysis has one by default): a new process's first requests on a busy machine can
    /// be slower than twice the warm release's, and a latency verdict would then abort what the
    /// test waits to promote.
    static func canaryConfig(pause: String = "0s") -> String {
        let latency = "\n        latency_p95: { max_ratio: \(pause == "manual" ? "1000.0" : "2.0") }"
        return TestRepository.config() + """

            strategy: canary
            canary:
              steps: [10, 50, 100]
              interval: 1s
              pause: \(pause)
              analysis:
                min_requests: 20
                error_rate: { relative: 0.5, floor: 0.01 }\(latency)
        """
    }

    @Test(.timeLimit(.minutes(3))) func aCanaryAnsweringErrorsIsAbortedAndAHealthyOneIsPromoted() async throws {
        let repository = try TestRepository(config: Self.canaryConfig())
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", errors: "20%")
        try repository.release("v3")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let first = try await cli.run("deploy", "web", "--ref", "v1")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        var aborted: CommandResult?
        let bad = try await daemon.underLoad { _ in aborted = try await cli.run("deploy", "web", "--ref", "v2") }
        #expect(aborted?.status == 4, "\(aborted?.stdout ?? "")\(aborted?.stderr ?? "")")
        #expect(aborted?.stdout.contains("canary error rate") == true)
        // Users saw the canary's errors only while it had its first share (10% × 20% of requests).
        #expect(bad.failures.keys.allSatisfy { $0 == "HTTP 500" }, "\(bad.failures)")
        #expect(Double(bad.failed) < Double(bad.served + bad.failed) * 0.2 * 0.5, "\(bad)")
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        let history = try await cli.json([Deployment].self, "history", "web")
        let record = try #require(history.first)
        #expect(record.outcome == .rolledBack)
        #expect(record.strategy == .canary)
        let step = try #require(record.rollout?.steps.first)
        #expect(step.weight == 10)
        #expect(step.verdict?.decision == .fail)
        #expect((step.canary?.errorRate ?? 0) > 0.1)
        #expect(step.baseline?.release == record.fromRelease)
        let shown = try await cli.run("show", record.id)
        #expect(shown.stdout.contains("canary rollout: canary error rate"), "\(shown.stdout)")
        #expect(shown.stdout.contains("STEP") && shown.stdout.contains("10%") && shown.stdout.contains("fail: canary error rate"))

        var promoted: CommandResult?
        let good = try await daemon.underLoad { _ in promoted = try await cli.run("deploy", "web", "--ref", "v3") }
        #expect(promoted?.status == 0, "\(promoted?.stdout ?? "")\(promoted?.stderr ?? "")")
        #expect(good.failed == 0, "\(good.failures)")
        #expect(good.versions["v3", default: 0] > 0 && good.versions["v1", default: 0] > 0)
        let promotedRecord = try await cli.json(Deployment.self, "show",
                                                try #require(try await cli.json([Deployment].self, "history", "web").first?.id))
        #expect(promotedRecord.rollout?.steps.map(\.weight) == [10, 50])
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v3\n")
    }

    @Test(.timeLimit(.minutes(3))) func aManualCanaryWaitsForRolloutPromoteAndShowsItsStatus() async throws {
        let repository = try TestRepository(config: Self.canaryConfig(pause: "manual"))
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        // The first release has nothing beside it: it switches at once.
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)

        let load = LoadGenerator(url: daemon.url + "/", clients: 2)
        let running = Task { await load.run() }
        let second = Task { try await cli.run("deploy", "web", "--ref", "v2") }
        let reached = try await eventually { (try? await cli.json(RolloutView.self, "rollout", "web"))?.phase == .awaitingPromotion }
        if !reached { Issue.record("no rollout awaiting promotion: \(try await cli.run("history", "web").stdout)") }
        let status = try await cli.run("rollout", "web")
        #expect(status.stdout.contains("canary rollout of deployment"), "\(status.stdout)")
        // `status` and `/metrics` show it too, and both releases' instances.
        let service = try #require(try await cli.status().services.first)
        #expect(service.rollout?.weight == 10)
        #expect(service.upstreams.count == 2)
        #expect(try await cli.run("status").stdout.contains("ROLLOUT: web: canary rollout"))
        let metrics = try await DaemonSocket(repository).get("/metrics").body
        #expect(metrics.contains("slipway_rollout_weight_percent{"), "\(metrics)")
        #expect(metrics.contains("} 10"))
        #expect(status.stdout.contains("step 1 of 3, new release at 10%"))
        #expect(status.stdout.contains("phase: awaiting promotion"))
        // Resume does not apply to a step waiting for promote: exit 6, saying why.
        let resume = try await cli.run("rollout", "web", "resume")
        #expect(resume.status == 6, "\(resume.stdout)\(resume.stderr)")
        let abort = try await cli.run("rollout", "web", "abort", "--reason", "not today")
        #expect(abort.status == 0, "\(abort.stdout)\(abort.stderr)")
        #expect(try await second.value.status == 4)
        await load.finish(running)
        let audit = try await cli.run("audit", "--json")
        #expect(audit.stdout.contains("rollout.aborted"))
        #expect(audit.stdout.contains("not today"))
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
    }

    @Test(.timeLimit(.minutes(3))) func blueGreenServesThePreviewToItsHeaderUntilPromoted() async throws {
        let repository = try TestRepository(config: TestRepository.config(watch: "30s") + """

            strategy: blue_green
            blue_green:
              preview: { header: "X-Slipway-Preview: 1" }
        """)
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)

        let second = Task { try await cli.run("deploy", "web", "--ref", "v2") }
        #expect(try await eventually { (try? await cli.json(RolloutView.self, "rollout", "web"))?.phase == .previewing })
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        #expect(try await LoopbackHTTP.get(daemon.url + "/", headers: ["X-Slipway-Preview": "1"]).body == "hello from v2\n")
        #expect(try await cli.run("rollout", "web", "promote").status == 0)
        #expect(try await second.value.status == 0)
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v2\n")
        // The old release stays warm for the watch: rolling back is a switch.
        let rollback = try await cli.run("rollback", "web")
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(rollback.stdout.contains("still running warm"))
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
    }

    /// SIGKILL mid-canary: the proxy keeps the split and serves on; the next daemon puts all
    /// traffic back on the release that served, stops the canary and records the deployment
    /// rolled back; no request fails. SIGTERM mid-canary aborts the rollout before the daemon
    /// exits (a graceful stop stops its releases and proxy too, as always).
    @Test(.timeLimit(.minutes(3))) func aDaemonThatStopsMidCanaryLeavesNoSplitBehind() async throws {
        let repository = try TestRepository(config: Self.canaryConfig(pause: "manual"))
        defer { repository.remove() }
        for version in ["v1", "v2", "v3"] { try repository.release(version) }
        var daemon = try await DaemonProcess.start(repository)
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let load = LoadGenerator(url: daemon.url + "/", clients: 2)
        let running = Task { await load.run() }

        let killed = Task { try await cli.run("deploy", "web", "--ref", "v2") }
        #expect(try await eventually { (try? await cli.json(RolloutView.self, "rollout", "web"))?.phase == .awaitingPromotion })
        #expect(try await eventually { load.snapshot.versions["v2", default: 0] > 0 })
        daemon.kill9()
        #expect(try await killed.value.status == 7)
        daemon = try await DaemonProcess.start(repository)
        let interrupted = try #require(try await cli.json([Deployment].self, "history", "web").first)
        #expect(interrupted.outcome == .rolledBack)
        #expect(interrupted.message?.contains("traffic went back to release") == true, "\(interrupted.message ?? "")")
        try await load.expectOnly("v1", not: "v2")
        await load.finish(running)

        // Without load its window waits for requests: a rollout all the same.
        let stopped = Task { try await cli.run("deploy", "web", "--ref", "v3") }
        #expect(try await eventually { (try? await cli.json(RolloutView.self, "rollout", "web")) != nil })
        daemon.terminate()
        #expect(try await stopped.value.status == 4)
        daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let aborted = try #require(try await cli.json([Deployment].self, "history", "web").first)
        #expect(aborted.outcome == .rolledBack)
        #expect(aborted.message?.contains("aborted by slipway: the daemon is stopping") == true, "\(aborted.message ?? "")")
        #expect(try await eventually { (try? await LoopbackHTTP.get(daemon.url + "/"))?.body == "hello from v1\n" })
    }

    /// recreate under load with a release that takes a second to start: every request that arrived
    /// while nothing served was held by the proxy and then served.
    @Test(.timeLimit(.minutes(3))) func recreateHoldsRequestsWhileNothingServes() async throws {
        let repository = try TestRepository(config: TestRepository.config() + """

            strategy: recreate
            recreate: { hold_requests: 10s }
        """)
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", startup: "1000ms")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        var deployed: CommandResult?
        let counts = try await daemon.underLoad { _ in deployed = try await cli.run("deploy", "web", "--ref", "v2") }
        #expect(deployed?.status == 0, "\(deployed?.stdout ?? "")\(deployed?.stderr ?? "")")
        #expect(deployed?.stdout.contains("before the new release starts (recreate)") == true)
        #expect(counts.failed == 0, "\(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
        #expect(try await cli.status().services.first?.traffic == nil)
    }
}
