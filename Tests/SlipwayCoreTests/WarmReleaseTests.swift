import Foundation
import Logging
import SlipwayCore
import SlipwayModel
import Testing

/// The replaced release stays running, unrouted, until the watch ends: a rollback within it is a switch.
@Suite struct WarmReleaseTests {
    @Test func thePreviousReleaseStaysWarmUntilTheWatchEndsThenStops() async throws {
        let h = Harness(watch: .milliseconds(400))
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        let v1 = try await h.deploy("v1")
        let v2 = try await h.deploy("v2")
        let stop = try #require(v2.stages.first { $0.name == .stop })
        #expect(stop.message?.contains("stays running, unrouted") == true)
        #expect(Set(h.world.aliveInstances.map(\.releaseID)) == [v1.toRelease!, v2.toRelease!])
        let status = try await h.controller.status().services[0]
        #expect(status.warmRelease == v1.toRelease)
        #expect(status.warmUntil != nil)
        #expect(await h.store.active(service: ServiceKey(service: "web"))?.warm?.releaseID == v1.toRelease)

        #expect(await eventually("v1 stopped when the watch ended") {
            h.world.aliveInstances.map(\.releaseID) == [v2.toRelease!]
        })
        #expect(await eventually("the record forgets it") { await h.store.active(service: ServiceKey(service: "web"))?.warm == nil })
        // Audited just after the record is written: waited for, not assumed already there.
        #expect(await eventually("the retirement audited") {
            await h.store.audit(service: ServiceKey(service: "web"), limit: 50).contains { $0.action == .releaseRetired }
        })
        #expect(try await h.controller.status().services[0].warmRelease == nil)
        #expect(await h.activeVersion() == "v2")
    }

    @Test func rollbackWithinTheWatchSwitchesToTheWarmInstanceWithoutStartingIt() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let v1Instance = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")
        let startedBefore = h.world.startedInstances.count

        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(rollback.outcome == .succeeded)
        #expect(h.world.startedInstances.count == startedBefore)
        #expect(await h.router.upstream(of: ServiceKey(service: "web")) == v1Instance.upstream)
        #expect(rollback.stages.first { $0.name == .start }?.message?.contains("still running warm") == true)
        // The release rolled away from is the warm one now: rolling forward again is a switch too.
        #expect(await h.store.active(service: ServiceKey(service: "web"))?.warm?.releaseID == v2.toRelease)
        let forward = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
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
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        let v1 = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        _ = try await h.deploy("v2")
        h.world.crash(warm)
        #expect(await eventually("the warm exit is noticed") { await h.store.active(service: ServiceKey(service: "web"))?.warm == nil })
        #expect(await eventually("the exit audited") {
            await h.store.audit(service: ServiceKey(service: "web"), limit: 50).contains { $0.action == .releaseWarmExited }
        })

        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(rollback.outcome == .succeeded)
        let upstream = try #require(await h.router.upstream(of: ServiceKey(service: "web")))
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
        let failed = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(failed.exitCode == .rollbackFailed)
        #expect(h.world.stoppedInstances.contains(warm))
        #expect(await h.store.logs["\(failed.id)"]?.contains("failed its probe") == true)
        #expect(await h.activeVersion() == "v2")

        h.world.setHealthy("v1", true)
        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(rollback.outcome == .succeeded)
        #expect(await h.activeVersion() == "v1")
    }

    @Test func automaticRollbackStopsTheUnhealthyReleaseInsteadOfKeepingItWarm() async throws {
        let h = Harness(watch: .seconds(30))
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        _ = try await h.deploy("v1")
        let v1Instance = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        #expect(await eventually("rolled back to the warm v1") { await h.router.upstream(of: ServiceKey(service: "web")) == v1Instance.upstream })
        #expect(await eventually("v2 stopped") { !h.world.aliveInstances.contains { $0.releaseID == v2.toRelease } })
        // Forgotten just after the stop: waited for, not assumed already recorded.
        #expect(await eventually("the record forgets v2") { await h.store.active(service: ServiceKey(service: "web"))?.warm == nil })
    }

    @Test func recoveryAdoptsAWarmInstanceAndRearmsTheWatch() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        let v2 = try await h.deploy("v2")

        let router = FakeRouter()
        let restarted = h.restartedController(router: router)
        try await restarted.recover()
        let supervision = Task { await restarted.run() }
        defer { supervision.cancel() }
        #expect(try await restarted.status().services[0].warmRelease == warm.releaseID)
        #expect(h.world.aliveInstances.contains(warm))
        // The re-armed watch rolls an unhealthy v2 back to the warm v1 and marks v2's deployment.
        h.world.setHealthy("v2", false)
        #expect(await eventually("rolled back") { await router.upstream(of: ServiceKey(service: "web")) == warm.upstream })
        #expect(await eventually("v2 marked") { await h.store.deployment(id: v2.id)?.outcome == .rolledBack })
    }

    @Test func recoveryStopsAWarmInstanceWhoseWatchHasEnded() async throws {
        let h = Harness(watch: .seconds(60))
        _ = try await h.deploy("v1")
        let warm = try #require(h.world.aliveInstances.first)
        _ = try await h.deploy("v2")
        var active = try #require(await h.store.active(service: ServiceKey(service: "web")))
        active.warmUntil = Date().addingTimeInterval(-1)
        await h.store.setActive(active)

        let restarted = h.restartedController()
        try await restarted.recover()
        #expect(!h.world.aliveInstances.contains(warm))
        #expect(await h.store.active(service: ServiceKey(service: "web"))?.warm == nil)
    }

    @Test func aReleaseThatExitsAtOnceFailsItsHealthGateWithItsStatus() async throws {
        let h = Harness()
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        _ = try await h.deploy("v1")
        h.world.state.withLock { _ = $0.exitingAtOnce.insert("v2") }
        let failed = try await h.deploy("v2")
        #expect(failed.exitCode == .deployFailed)
        let health = try #require(failed.stages.first { $0.name == .health })
        #expect(health.message?.contains("exited with status 127 before it became healthy") == true)
        #expect(await h.activeVersion() == "v1")
    }
}
