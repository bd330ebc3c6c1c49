import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// Canary and blue-green deployments through the controller: the rollout between the health gate
/// and the switch, on fakes and the manual clock (windows pass as soon as they are asked for).
@Suite struct RolloutDeployTests {
    private func canaryHarness(steps: [Int] = [10, 50, 100], pause: CanaryPause = .after(.zero), run: String? = nil,
                               runner: (any StageCommandRunner)? = nil) -> Harness {
        Harness(runner: runner) { service in
            service.delivery.strategy = .canary
            service.delivery.canary = CanaryConfig(steps: steps, interval: .seconds(1), pause: pause,
                                                   analysis: AnalysisPolicy(minRequests: 50), run: run)
        }
    }

    /// Yields until `condition` holds (the deployment runs in another task); no clock, no sleep.
    private func until(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<100_000 {
            if await condition() { return true }
            await Task.yield()
        }
        return false
    }

    /// v1 serving, and v2's canary at 20% waiting for a person (`pause: manual`) in a task of its own.
    private func canaryAwaitingPromotion() async throws -> (Harness, Task<Deployment, any Error>) {
        let h = canaryHarness(steps: [20, 100], pause: .manual)
        await h.router.simulate(perReading: 1000)
        #expect(try await h.deploy("v1").outcome == .succeeded)
        let controller = h.controller
        let deploying = Task { try await h.deploy("v2") }
        #expect(await until { (try? await controller.rolloutStatus(service: "web"))?.phase == .awaitingPromotion })
        return (h, deploying)
    }

    @Test func aHealthyCanaryTakesEachStepsShareThenAllTraffic() async throws {
        let h = canaryHarness()
        await h.router.simulate(perReading: 1000)
        let first = try await h.deploy("v1")
        // Nothing serves beside the first release: it switches at once.
        #expect(first.outcome == .succeeded)
        #expect(first.strategy == .canary)
        #expect(first.rollout == nil)
        #expect(await h.store.log(deployment: first.id).contains("nothing serves beside it, so it switches at once"))
        let second = try await h.deploy("v2")
        #expect(second.outcome == .succeeded, "\(second.message ?? "")")
        #expect(second.strategy == .canary)
        #expect(await h.activeVersion() == "v2")
        let weights = await h.router.routings.compactMap { $0.1?.release(second.toRelease!)?.weight }
        // The last step's 100%, then the switch that makes it the only release.
        #expect(weights.suffix(4) == [10, 50, 100, 100])
        let rollout = try #require(second.rollout)
        #expect(rollout.steps.map(\.weight) == [10, 50])
        #expect(rollout.steps.allSatisfy { $0.verdict?.decision == .pass })
        #expect(rollout.steps[0].canary?.requests == 100)
        #expect(rollout.steps[0].baseline?.requests == 900)
        #expect(rollout.conclusion?.contains("promoted after 3 steps") == true)
        #expect(second.stages.map(\.name.rawValue).starts(with: ["validate", "build", "start", "health", "rollout", "switch"]))
    }

    @Test func aCanaryWithMoreErrorsIsAbortedAndTheOldReleaseServesAlone() async throws {
        let h = canaryHarness()
        await h.router.simulate(perReading: 1000, errorRates: ["v3": 0.2])
        _ = try await h.deploy("v2")
        let failed = try await h.deploy("v3")
        #expect(failed.outcome == .rolledBack)
        #expect(failed.exitCode == .smokeFailedRolledBack)
        #expect(failed.message?.contains("canary error rate 20% > baseline 0%") == true, "\(failed.message ?? "")")
        #expect(await h.activeVersion() == "v2")
        let last = await h.router.routings.last?.1
        #expect(last?.releases.map(\.releaseID) == [failed.fromRelease!])
        // The canary was stopped; the first step's verdict is on the record with its figures.
        #expect(!h.world.aliveInstances.contains { $0.releaseID == failed.toRelease })
        let step = try #require(failed.rollout?.steps.first)
        #expect(step.verdict?.decision == .fail)
        #expect(step.canary?.errors == 20)
        #expect(failed.stages.first { $0.name == .rollout }?.outcome == .failed)
        #expect(failed.stages.first { $0.name == .rollback }?.outcome == .succeeded)
        #expect(!failed.stages.contains { $0.name == .switch })
    }

    @Test func aSlowerCanaryIsAbortedByTheLatencyRule() async throws {
        let h = canaryHarness()
        await h.router.simulate(perReading: 1000, latencies: ["v3": .milliseconds(60)])
        _ = try await h.deploy("v2")
        let failed = try await h.deploy("v3")
        #expect(failed.outcome == .rolledBack)
        let verdict = try #require(failed.rollout?.steps.first?.verdict)
        #expect(verdict.rules.first { $0.rule == .latencyP95 }?.outcome == .failed)
        #expect(verdict.rules.first { $0.rule == .errorRate }?.outcome == .passed)
        #expect(failed.message?.contains("canary p95") == true, "\(failed.message ?? "")")
        #expect(await h.activeVersion() == "v2")
    }

    @Test func aManualPauseWaitsForPromoteAndCommandsAreAudited() async throws {
        let (h, deploying) = try await canaryAwaitingPromotion()
        let controller = h.controller
        let status = try await controller.rolloutStatus(service: "web")
        #expect(status.weight == 20)
        #expect(status.lastVerdict?.decision == .pass)
        // Resume does not apply to a manual pause: refused, saying what would.
        let refused = await refusal { try await controller.commandRollout(.resume, RolloutCommandRequest(service: "web", actor: "bob")) }
        #expect(refused?.code == .rolloutRefused)
        _ = try await controller.commandRollout(.promote, RolloutCommandRequest(service: "web", reason: "looks good", actor: "bob"))
        let deployed = try await deploying.value
        #expect(deployed.outcome == .succeeded)
        #expect(await h.audited(.rolloutPromoted))
        let entry = await h.store.audit(service: Harness.web, limit: 100).first { $0.action == .rolloutPromoted && $0.actor == "bob" }
        #expect(entry?.actor == "bob")
        #expect(entry?.detail.contains("looks good") == true)
        // Nothing runs now: a command is refused.
        let after = await refusal { try await controller.commandRollout(.abort, RolloutCommandRequest(service: "web", actor: "bob")) }
        #expect(after?.code == .rolloutRefused)
    }

    /// A canary can wait hours for a person: the release serving beside it is supervised all along.
    /// Its crash takes it out of the split and it is restarted into it; the promotion replaces (and
    /// keeps warm) the restarted instance, not the dead one.
    @Test func theBaselineIsRestartedIntoTheSplitWhileACanaryWaits() async throws {
        let (h, deploying) = try await canaryAwaitingPromotion()
        let controller = h.controller
        let v1 = try #require(h.world.startedInstances.first)
        let v1Release = v1.releaseID
        await h.world.crash(v1)
        // Its only instance gone, every request goes to the healthy canary rather than to nothing.
        #expect(await until { await h.router.backends(of: Harness.web)?.release(v1Release) == nil },
                "the dead baseline instance left the split")
        #expect(await h.router.backends(of: Harness.web)?.upstreams.allSatisfy { $0.releaseID != v1Release } == true)
        try await h.supervise(after: .milliseconds(600))
        let restarted = try #require(h.world.startedInstances.last)
        #expect(restarted.releaseID == v1Release && restarted.pid != v1.pid)
        #expect(await until { await h.router.backends(of: Harness.web)?.release(v1Release)?.upstreams == [restarted.upstream] })
        #expect(await h.router.backends(of: Harness.web)?.release(v1Release)?.weight == 80)
        _ = try await controller.commandRollout(.promote, RolloutCommandRequest(service: "web", actor: "bob"))
        let deployed = try await deploying.value
        #expect(deployed.outcome == .succeeded, "\(deployed.message ?? "")")
        #expect(try await h.store.active(service: Harness.web)?.warm == restarted)
        #expect(await h.router.drained.contains(restarted.upstream))
    }

    @Test func anAbortPutsTrafficBackAndEndsRolledBack() async throws {
        let (h, deploying) = try await canaryAwaitingPromotion()
        let controller = h.controller
        let answer = try await controller.commandRollout(.abort, RolloutCommandRequest(service: "web", reason: "the checkout graph dips",
                                                                                      actor: "carol"))
        #expect(answer.command == .abort)
        let aborted = try await deploying.value
        #expect(aborted.outcome == .rolledBack)
        #expect(aborted.message?.contains("aborted by carol") == true, "\(aborted.message ?? "")")
        #expect(await h.activeVersion() == "v1")
    }

    /// With `analysis.slo`, a first release is a canary too, judged against those limits alone.
    @Test func aFirstReleaseWithAnSLOIsJudgedByIt() async throws {
        let h = Harness { service in
            service.delivery.strategy = .canary
            service.delivery.canary = CanaryConfig(steps: [50, 100], interval: .seconds(1),
                                                   analysis: AnalysisPolicy(minRequests: 50, slo: .init(errorRate: 0.05)))
        }
        await h.router.simulate(perReading: 1000, errorRates: ["v1": 0.1])
        let failed = try await h.deploy("v1")
        #expect(failed.outcome == .rolledBack)
        #expect(failed.rollout?.steps.first?.verdict?.comparison == .slo)
        // Nothing served before; nothing serves now.
        #expect(await h.router.backends(of: Harness.web) == nil)
    }

    @Test func promoteSkippingAnalysisNeedsAReason() async throws {
        let (h, deploying) = try await canaryAwaitingPromotion()
        let controller = h.controller
        let refused = await refusal {
            try await controller.commandRollout(.promoteSkippingAnalysis, RolloutCommandRequest(service: "web", actor: "dave"))
        }
        #expect(refused?.code == .badRequest)
        _ = try await controller.commandRollout(.promoteSkippingAnalysis,
                                                RolloutCommandRequest(service: "web", reason: "incident 42", actor: "dave"))
        #expect(try await deploying.value.outcome == .succeeded)
        #expect(await h.audited(.rolloutPromotedSkippingAnalysis))
    }

    @Test func blueGreenServesThePreviewUntilPromoted() async throws {
        let h = Harness { service in
            service.delivery.strategy = .blueGreen
            service.delivery.blueGreen = BlueGreenConfig(preview: PreviewRoute(header: HeaderMatch(name: "X-Preview", value: "1")))
        }
        let controller = h.controller
        #expect(try await h.deploy("v1").outcome == .succeeded)
        #expect(await h.activeVersion() == "v1")

        let second = Task { try await h.deploy("v2") }
        #expect(await until { (try? await controller.rolloutStatus(service: "web"))?.phase == .previewing })
        let previewing = try #require(await h.router.backends(of: Harness.web))
        #expect(previewing.releases.map(\.preview) == [false, true])
        #expect(previewing.preview?.header?.name == "x-preview")
        #expect(await h.activeVersion() == "v1")
        _ = try await controller.commandRollout(.abort, RolloutCommandRequest(service: "web", actor: "erin"))
        let aborted = try await second.value
        #expect(aborted.outcome == .rolledBack)
        #expect(await h.activeVersion() == "v1")
        #expect(await h.router.backends(of: Harness.web)?.releases.count == 1)
    }
}

/// A daemon that died mid-rollout: its successor puts all traffic back on the release that serves
/// before it stops the new one, and records the deployment rolled back.
@Suite struct InterruptedRolloutTests {
    @Test func recoveryRoutesBackBeforeItStopsTheCanary() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        let live = try #require(h.world.aliveInstances.first)
        let release = Release(id: "r-canary", service: "web", ref: "v2", commit: String(repeating: "c", count: 40),
                              version: "v2", directory: "/releases/v2", createdAt: Date(), buildSeconds: 0)
        await h.store.saveRelease(release)
        let canary = try await FakeRuntime(world: h.world).start(release, service: h.config.services[0])
        var record = Deployment(id: "d-canary", kind: .deploy, service: "web", ref: "v2", fromRelease: v1.toRelease,
                                toRelease: "r-canary", actor: "alice", startedAt: Date(),
                                stages: [StageRecord(name: .rollout, startedAt: Date())], instance: canary)
        record.strategy = .canary
        record.rollout = RolloutRecord(strategy: .canary)
        await h.store.saveDeployment(record)
        let router = FakeRouter()
        await router.route(service: Harness.web, to: Backends(releases: [
            ReleaseBackends(releaseID: live.releaseID, upstreams: [live.upstream], weight: 50),
            ReleaseBackends(releaseID: "r-canary", upstreams: [canary.upstream], weight: 50),
        ]))

        try await h.restartedController(router: router).recover()
        let routings = await router.routings
        #expect(routings.dropFirst().first?.1 == .single(live.upstream))
        #expect(!h.world.aliveInstances.contains(canary))
        let closed = try #require(await h.store.deployment(id: "d-canary"))
        #expect(closed.outcome == .rolledBack)
        #expect(closed.exitCode == .smokeFailedRolledBack)
        #expect(closed.message?.contains("traffic went back to release \(v1.toRelease!)") == true)
        #expect(await router.upstream(of: Harness.web) == live.upstream)
    }
}
