import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// The replaced release stays running, unrouted, until the watch ends: a rollback within it is a switch.
@Suite struct WarmReleaseTests {
    @Test func thePreviousReleaseStaysWarmUntilTheWatchEndsThenStops() async throws {
        let h = Harness(watch: .milliseconds(400))
        let v1 = try await h.deploy("v1")
        let v2 = try await h.deploy("v2")
        let stop = try #require(v2.stages.first { $0.name == .stop })
        #expect(stop.message?.contains("stays running, unrouted") == true)
        #expect(Set(h.world.aliveInstances.map(\.releaseID)) == [v1.toRelease!, v2.toRelease!])
        let status = try await h.controller.status().services[0]
        #expect(status.warmRelease == v1.toRelease)
        #expect(status.warmUntil != nil)
        #expect(await h.store.active(service: Harness.web)?.warm?.releaseID == v1.toRelease)

        // Not a moment before the watch ends.
        try await h.supervise(after: .milliseconds(399))
        #expect(h.world.aliveInstances.count == 2)
        try await h.supervise(after: .milliseconds(1))
        #expect(h.world.aliveInstances.map(\.releaseID) == [v2.toRelease!])
        #expect(await h.store.active(service: Harness.web)?.warm == nil)
        #expect(await h.audited(.releaseRetired))
        #expect(try await h.controller.status().services[0].warmRelease == nil)
        #expect(await h.activeVersion() == "v2")
    }

    @Test func rollbackWithinTheWatchSwitchesToTheWarmInstanceWithoutStartingIt() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let v1Instance = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")
        let startedBefore = h.world.startedInstances.count

        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded)
        #expect(h.world.startedInstances.count == startedBefore)
        #expect(await h.router.upstream(of: Harness.web) == v1Instance.upstream)
        #expect(rollback.stages.first { $0.name == .start }?.message?.contains("still running warm") == true)
        // The release rolled away from is the warm one now: rolling forward again is a switch too.
        #expect(await h.store.active(service: Harness.web)?.warm?.releaseID == v2.toRelease)
        let forward = try await h.rollback()
        #expect(forward.outcome == .succeeded)
        #expect(h.world.startedInstances.count == startedBefore)
        #expect(await h.activeVersion() == "v2")
    }

    @Test func aDeployWithinTheWatchStopsTheOlderWarmRelease() async throws {
        let h = Harness(watch: .seconds(60))
        let v1 = try await h.deploy("v1")
        let v2 = try await h.deploy("v2")
        let v3 = try await h.deploy("v3")
        #expect(Set(h.world.aliveInstances.map(\.releaseID)) == [v2.toRelease!, v3.toRelease!])
        #expect(h.world.stoppedInstances.map(\.releaseID) == [v1.toRelease!])
        #expect(v3.stages.first { $0.name == .stop }?.message?.contains("which was kept warm") == true)
    }

    @Test func aWarmInstanceThatDiedIsStartedAgainByARollback() async throws {
        let h = Harness(watch: .seconds(60))
        let v1 = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        _ = try await h.deploy("v2")
        await h.world.crash(warm)
        #expect(await h.store.active(service: Harness.web)?.warm == nil)
        #expect(await h.audited(.releaseWarmExited))

        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded)
        let upstream = try #require(await h.router.upstream(of: Harness.web))
        #expect(upstream.releaseID == v1.toRelease)
        #expect(upstream.port != warm.port)
    }

    @Test func aWarmInstanceThatNoLongerAnswersIsReplacedByAFreshStart() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        _ = try await h.deploy("v2")
        h.world.setHealthy("v1", false)
        // Unhealthy both warm and fresh: the rollback fails, v2 serves, the sick warm one is gone.
        let failed = try await h.rollback()
        #expect(failed.exitCode == .rollbackFailed)
        #expect(h.world.stoppedInstances.contains(warm))
        #expect(await h.store.logs["\(failed.id)"]?.contains("failed its probe") == true)
        #expect(await h.activeVersion() == "v2")

        h.world.setHealthy("v1", true)
        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded)
        #expect(await h.activeVersion() == "v1")
    }

    @Test func automaticRollbackStopsTheUnhealthyReleaseInsteadOfKeepingItWarm() async throws {
        let h = Harness(watch: .seconds(30))
        _ = try await h.deploy("v1")
        let v1Instance = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        try await h.supervise(after: .milliseconds(10))
        try await h.supervise(after: .milliseconds(10))
        #expect(await h.router.upstream(of: Harness.web) == v1Instance.upstream)
        #expect(!h.world.aliveInstances.contains { $0.releaseID == v2.toRelease })
        #expect(await h.store.active(service: Harness.web)?.warm == nil)
    }

    @Test func recoveryAdoptsAWarmInstanceAndRearmsTheWatch() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")

        let router = FakeRouter()
        let restarted = h.restartedController(router: router)
        try await restarted.recover()
        #expect(try await restarted.status().services[0].warmRelease == warm.releaseID)
        #expect(h.world.aliveInstances.contains(warm))
        // The re-armed watch rolls an unhealthy v2 back to the warm v1 and marks v2's deployment.
        h.world.setHealthy("v2", false)
        try await h.supervise(after: .zero, restarted)
        try await h.supervise(after: .milliseconds(10), restarted)
        #expect(await router.upstream(of: Harness.web) == warm.upstream)
        #expect(await h.store.deployment(id: v2.id)?.outcome == .rolledBack)
    }

    @Test func recoveryStopsAWarmInstanceWhoseWatchHasEnded() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        _ = try await h.deploy("v2")
        var active = try #require(await h.store.active(service: Harness.web))
        active.warmUntil = h.clock.date.addingTimeInterval(-1)
        try await h.store.setActive(active)

        let restarted = h.restartedController()
        try await restarted.recover()
        #expect(!h.world.aliveInstances.contains(warm))
        #expect(await h.store.active(service: Harness.web)?.warm == nil)
    }

    @Test func aReleaseThatExitsAtOnceFailsItsHealthGateWithItsStatus() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        h.world.state.withLock { _ = $0.exitingAtOnce.insert("v2") }
        let failed = try await h.deploy("v2")
        #expect(failed.exitCode == .deployFailed)
        let health = try #require(failed.stages.first { $0.name == .health })
        #expect(health.message?.contains("exited with status 127 before it became healthy") == true)
        #expect(await h.activeVersion() == "v1")
    }
}
