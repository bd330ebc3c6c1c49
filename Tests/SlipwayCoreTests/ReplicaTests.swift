import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// `replicas: 3`: a release runs three instances, each gated before any takes traffic; the switch
/// moves all of them at once; a replica that fails leaves the pool and is restarted in its slot.
@Suite struct ReplicaTests {
    private func harness(watch: Duration = .seconds(60)) -> Harness {
        Harness(watch: watch) { $0.delivery.replicas = 3 }
    }

    private func routed(_ h: Harness) async -> [Upstream] {
        await h.router.backends(of: Harness.web)?.upstreams ?? []
    }

    @Test func aReleaseStartsEveryReplicaGatesEachAndSwitchesThemAtOnce() async throws {
        let h = harness()
        let first = try await h.deploy("v1")
        #expect(first.outcome == .succeeded, "\(first.message ?? "")")
        let v1 = h.world.startedInstances
        #expect(v1.count == 3)
        #expect(Set(await routed(h)) == Set(v1.map(\.upstream)))
        #expect(first.stages.first { $0.name == .health }?.message?.contains("3 replicas healthy") == true)

        let second = try await h.deploy("v2")
        #expect(second.outcome == .succeeded, "\(second.message ?? "")")
        let v2 = Array(h.world.startedInstances.dropFirst(3))
        #expect(v2.count == 3)
        // One switch, from three to three: never a mix of v1 and v2.
        let switched = await h.router.routings.last?.1
        #expect(switched?.releases.count == 1)
        #expect(Set(switched?.upstreams ?? []) == Set(v2.map(\.upstream)))
        // Every old replica drained, all three kept warm for the watch.
        let drained = await h.router.drained
        #expect(v1.allSatisfy { drained.contains($0.upstream) })
        let active = try #require(await h.store.active(service: Harness.web))
        #expect(active.instances == v2)
        #expect(active.warmInstances == v1)
        #expect(h.world.aliveInstances == Set(v1 + v2))
        let status = try #require(try await h.controller.status().services.first)
        #expect(status.replicas?.map(\.pid) == v2.map(\.pid))
        #expect(status.replicas?.allSatisfy { $0.health == .healthy } == true)
    }

    @Test func aReplicaThatFailsItsGateStopsEveryNewOneAndTheOldKeepServing() async throws {
        let h = harness()
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        h.world.setHealthy(nthNext: 3, false)
        let failed = try await h.deploy("v2")
        #expect(failed.outcome == .failed)
        #expect(failed.exitCode == .deployFailed)
        #expect(failed.message?.contains("replica 3 of 3") == true, "\(failed.message ?? "")")
        #expect(failed.message?.contains("still serves") == true)
        let v2 = Array(h.world.startedInstances.dropFirst(3))
        #expect(v2.count == 3)
        #expect(v2.allSatisfy { h.world.stoppedInstances.contains($0) })
        #expect(h.world.aliveInstances == Set(v1))
        #expect(Set(await routed(h)) == Set(v1.map(\.upstream)))
    }

    @Test func aRollbackWithinTheWatchSwitchesToEveryWarmReplicaAndStartsNothing() async throws {
        let h = harness()
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        _ = try await h.deploy("v2")
        let started = h.world.startedInstances.count
        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded, "\(rollback.message ?? "")")
        #expect(h.world.startedInstances.count == started, "the warm replicas took the traffic")
        #expect(Set(await routed(h)) == Set(v1.map(\.upstream)))
        #expect(try await h.store.active(service: Harness.web)?.instances == v1)
    }

    @Test func aSmokeTestThatFailsSwitchesEveryReplicaBack() async throws {
        let h = Harness(watch: .seconds(60)) { service in
            service.delivery.replicas = 2
            service.smoke = [SmokeTestConfig(kind: .http(path: "/smoke", expect: HealthExpectation()))]
        }
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        h.world.state.withLock { _ = $0.failingPaths.insert("/smoke") }
        let failed = try await h.deploy("v2")
        #expect(failed.outcome == .rolledBack)
        let v2 = Array(h.world.startedInstances.dropFirst(2))
        #expect(v2.allSatisfy { h.world.stoppedInstances.contains($0) })
        #expect(Set(await routed(h)) == Set(v1.map(\.upstream)))
    }

    @Test func aCrashedReplicaLeavesThePoolAndComesBackInItsSlot() async throws {
        let h = harness()
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        await h.world.crash(v1[1])
        #expect(Set(await routed(h)) == Set([v1[0].upstream, v1[2].upstream]))
        #expect(try await h.controller.status().services.first?.health == .healthy, "two of three serve")
        try await h.supervise(after: .milliseconds(600))
        let restarted = try #require(h.world.startedInstances.last)
        #expect(restarted.pid != v1[1].pid)
        #expect(Set(await routed(h)) == Set([v1[0].upstream, restarted.upstream, v1[2].upstream]))
        #expect(try await h.store.active(service: Harness.web)?.instances == [v1[0], restarted, v1[2]])
        let trail = await h.store.audit(service: Harness.web, limit: 100).map { "\($0.action): \($0.detail)" }
        #expect(await h.audited(.releaseRestarted), "\(trail)")
    }

    @Test func anUnhealthyReplicaLeavesThePoolUntilItAnswersAgain() async throws {
        let h = harness(watch: .zero)
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        h.world.setHealthy(v1[2], false)
        for _ in 0..<4 { try await h.supervise(after: .milliseconds(10)) }
        #expect(Set(await routed(h)) == Set([v1[0].upstream, v1[1].upstream]))
        #expect(try await h.controller.status().services.first?.replicas?.map(\.health) == [.healthy, .healthy, .unhealthy])
        h.world.setHealthy(v1[2], true)
        for _ in 0..<4 { try await h.supervise(after: .milliseconds(10)) }
        #expect(Set(await routed(h)) == Set(v1.map(\.upstream)))
    }

    @Test func recoveryAdoptsTheReplicasStillRunningAndRestartsTheOthers() async throws {
        let h = harness(watch: .zero)
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        // The daemon dies; meanwhile one replica dies too.
        _ = h.world.state.withLock { $0.alive.remove(v1[0]) }
        let router = FakeRouter()
        let restarted = h.restartedController(router: router)
        try await restarted.recover()
        #expect(Set(await router.backends(of: Harness.web)?.upstreams ?? []) == Set([v1[1].upstream, v1[2].upstream]))
        try await h.supervise(after: .milliseconds(10), restarted)
        let back = try #require(h.world.startedInstances.last)
        #expect(back.releaseID == v1[0].releaseID && back.pid != v1[0].pid)
        #expect(Set(await router.backends(of: Harness.web)?.upstreams ?? []) == Set([back.upstream, v1[1].upstream, v1[2].upstream]))
    }

    /// A deploy that builds for minutes must not leave its serving release unsupervised: a crash
    /// meanwhile is restarted at once, and the deploy's cutover replaces what runs then.
    @Test func aCrashWhileADeployBuildsIsRestartedAndTheDeployReplacesTheRestartedReplica() async throws {
        let buildGate = BuildGate()
        let h = Harness(watch: .zero, buildGate: buildGate) { $0.delivery.replicas = 2 }
        await buildGate.release()
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        await buildGate.close()
        let deploying = Task { try await h.deploy("v2") }
        await buildGate.waitForArrivals(2)
        await h.world.crash(v1[0])
        #expect(await routed(h) == [v1[1].upstream], "out of the pool while the deploy builds")
        try await h.supervise(after: .milliseconds(600))
        let restarted = try #require(h.world.startedInstances.last)
        #expect(restarted.releaseID == v1[0].releaseID && restarted.pid != v1[0].pid)
        #expect(Set(await routed(h)) == Set([restarted.upstream, v1[1].upstream]))
        await buildGate.release()
        let second = try await deploying.value
        #expect(second.outcome == .succeeded, "\(second.message ?? "")")
        #expect(h.world.stoppedInstances.contains(restarted), "the cutover replaced what ran when it began")
        #expect(h.world.aliveInstances.allSatisfy { $0.releaseID == second.toRelease })
    }
}
