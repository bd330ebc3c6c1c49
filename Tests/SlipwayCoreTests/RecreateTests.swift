import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// `strategy: recreate`: never two releases at once. Requests are held in the proxy while the
/// serving release drains and stops and the new one starts; a new release that fails brings the
/// previous one back.
@Suite struct RecreateTests {
    private func harness() -> Harness {
        Harness(watch: .seconds(60)) { service in
            service.delivery.strategy = .recreate
            service.delivery.recreate = RecreateConfig(holdRequests: .seconds(5))
        }
    }

    @Test func theOldReleaseStopsBeforeTheNewStartsAndHeldRequestsGoToTheNew() async throws {
        let h = harness()
        let first = try await h.deploy("v1")
        #expect(first.outcome == .succeeded)
        let v1 = try #require(h.world.aliveInstances.first)
        let second = try await h.deploy("v2")
        #expect(second.outcome == .succeeded, "\(second.message ?? "")")
        #expect(await h.activeVersion() == "v2")
        // v1 was stopped before v2 was started, and nothing is kept warm.
        let started = h.world.startedInstances
        let v2 = try #require(started.last)
        #expect(h.world.stoppedInstances.contains(v1))
        #expect(h.world.aliveInstances == [v2])
        #expect(second.stages.map(\.name.rawValue) == ["validate", "build", "stop", "start", "health", "switch", "drain", "prune", "notify"])
        #expect(second.stages.first { $0.name == .stop }?.message?.contains("before the new release starts (recreate)") == true)
        // Held while nothing served, released once v2 took the route; the old upstream drained first.
        #expect(await h.router.drained.last == v1.upstream)
        #expect(await h.router.control(of: Harness.web) == TrafficControl())
        #expect(try await h.controller.status().services.first?.warmRelease == nil)
    }

    @Test func aReleaseThatFailsItsGateBringsThePreviousBack() async throws {
        let h = harness()
        _ = try await h.deploy("v1")
        let v1 = try #require(h.world.aliveInstances.first)
        h.world.setHealthy("v2", false)
        let failed = try await h.deploy("v2")
        #expect(failed.outcome == .failed)
        #expect(failed.exitCode == .deployFailed)
        #expect(failed.message?.contains("still serves") == true)
        #expect(await h.activeVersion() == "v1")
        // v1 runs again as a new process; v2 is stopped; the held requests were released.
        let alive = try #require(h.world.aliveInstances.first)
        #expect(h.world.aliveInstances.count == 1)
        #expect(alive.releaseID == v1.releaseID)
        #expect(alive.pid != v1.pid)
        #expect(failed.stages.first { $0.name == .rollback }?.outcome == .succeeded)
        #expect(await h.router.control(of: Harness.web) == TrafficControl())
        #expect(await h.router.upstream(of: Harness.web) == alive.upstream)
        let status = try await h.controller.status()
        #expect(status.services.first?.pid == alive.pid)
    }

    @Test func aRollbackRecreatesToo() async throws {
        let h = harness()
        _ = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded, "\(rollback.message ?? "")")
        #expect(await h.activeVersion() == "v1")
        #expect(h.world.aliveInstances.count == 1)
    }
}
