import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct SupervisionTests {
    @Test func crashedActiveReleaseIsRestartedAndRoutedAgain() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        let original = try #require(h.world.aliveInstances.first)
        await h.world.crash(original)
        #expect(await h.router.upstream(of: Harness.web) == nil, "requests get a 503 until it is back")
        // The first restart comes after the backoff's first step, not before.
        try await h.supervise(after: .milliseconds(499))
        #expect(h.world.startedInstances.count == 1)
        try await h.supervise(after: .milliseconds(1))
        let upstream = try #require(await h.router.upstream(of: Harness.web))
        #expect(upstream.port != original.port && upstream.releaseID == v1.toRelease)
        let status = try await h.controller.status()
        #expect(status.services.first?.restarts == 1)
        let actions = await h.store.audit(service: Harness.web, limit: 100).map(\.action.rawValue)
        #expect(actions.contains("release.crashed"))
        #expect(actions.contains("release.restarted"))
    }

    /// Noticed in issue 13: a restart whose record could not be written left the new instance
    /// running, unrouted and named by no record.
    @Test func aRestartThatCannotBeRecordedStopsTheInstanceItStarted() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        let original = try #require(h.world.aliveInstances.first)
        await h.world.crash(original)
        await h.store.failSetActive(true)
        try await h.supervise(after: .milliseconds(500))
        #expect(h.world.startedInstances.count == 2, "it was started")
        #expect(h.world.aliveInstances.isEmpty, "and stopped again")
        #expect(await h.router.upstream(of: Harness.web) == nil)
        let audit = await h.store.audit(service: Harness.web, limit: 100)
        #expect(audit.contains { $0.action == .releaseRestartFailed && $0.detail.contains("could not be recorded") })
    }

    @Test func recoveryReadoptsLiveInstancesAndClosesInterruptedDeployments() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        let live = try #require(h.world.aliveInstances.first)
        // A deployment that was running when the daemon died, with its half-started instance.
        let release = Release(id: "r-half", service: "web", ref: "v2", commit: String(repeating: "b", count: 40),
                              version: "v2", directory: "/releases/v2", createdAt: Date(), buildSeconds: 0)
        await h.store.saveRelease(release)
        let half = try await FakeRuntime(world: h.world).start(release, service: h.config.services[0])
        await h.store.saveDeployment(Deployment(id: "d-interrupted", kind: .deploy, service: "web", ref: "v2",
                                                    fromRelease: v1.toRelease, toRelease: "r-half", actor: "alice",
                                                    startedAt: Date(), stages: [StageRecord(name: .health, startedAt: Date())],
                                                    instance: half))

        // A new controller over the same store, runtime and router stands for the restarted daemon.
        let router = FakeRouter()
        let restarted = h.restartedController(router: router)
        try await restarted.recover()
        #expect(await router.upstream(of: Harness.web) == live.upstream)
        #expect(!h.world.aliveInstances.contains(half))
        let interrupted = await h.store.deployment(id: "d-interrupted")
        #expect(interrupted?.outcome == .interrupted)
        #expect(interrupted?.stages.first?.outcome == .failed)
        #expect(await h.store.releases(service: Harness.web).contains { $0.id == "r-half" } == false)
    }

    @Test func recoveryRestartsAnActiveReleaseWhoseProcessIsGone() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        let live = try #require(h.world.aliveInstances.first)
        h.world.state.withLock { _ = $0.alive.remove(live) }  // died with the daemon, unobserved

        let router = FakeRouter()
        let restarted = h.restartedController(router: router)
        try await restarted.recover()
        #expect(await router.upstream(of: Harness.web) == nil)
        try await h.supervise(after: .zero, restarted)
        #expect(await router.upstream(of: Harness.web)?.releaseID == v1.toRelease)
        #expect(await h.audited(.releaseRestarted))
    }

    @Test func recoveryStopsAnInstanceNoRecordNames() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        let live = try #require(h.world.aliveInstances.first)
        // Started by a deployment whose daemon died before the record named it.
        let release = Release(id: "r-lost", service: "web", ref: "v2", commit: String(repeating: "c", count: 40),
                              version: "v2", directory: "/releases/v2", createdAt: Date(), buildSeconds: 0)
        let lost = try await FakeRuntime(world: h.world).start(release, service: h.config.services[0])

        let restarted = h.restartedController()
        try await restarted.recover()
        #expect(h.world.aliveInstances == [live])
        #expect(h.world.stoppedInstances.contains(lost))
        let entry = await h.store.audit(service: Harness.web, limit: 50).first { $0.action == .releaseUnrecordedStopped }
        #expect(entry?.detail.contains("pid \(lost.pid) of release r-lost") == true)
    }

    @Test func aStateWithoutAnyRecordAdoptsWhatRunsInsteadOfStoppingIt() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        let live = try #require(h.world.aliveInstances.first)
        // The daemon restarts over an empty state (state.db deleted): the release still serves.
        let lost = InMemoryStore()
        let router = FakeRouter()
        let restarted = h.restartedController(router: router, store: lost)
        try await restarted.recover()
        #expect(h.world.aliveInstances == [live])
        #expect(h.world.stoppedInstances.isEmpty)
        #expect(await router.upstream(of: Harness.web) == live.upstream)
        #expect(await lost.active(service: Harness.web)?.instance == live)
        let audit = await lost.audit(service: Harness.web, limit: 10)
        #expect(audit.map(\.action) == [.releaseAdoptedUnrecorded])
        #expect(audit.first?.detail.contains("pid \(live.pid)") == true)
    }
}
