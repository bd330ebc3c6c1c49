import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct RollbackTests {
    @Test func rollbackGoesToTheReleaseTheActiveOneReplacedWithoutRebuilding() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        let rollback = try await h.rollback()
        #expect(rollback.outcome == .succeeded)
        #expect(rollback.kind == .rollback)
        #expect(rollback.toRelease == v1.toRelease)
        #expect(!rollback.stages.contains { $0.name == .build })
        #expect(await h.activeVersion() == "v1")
    }

    @Test func rollbackToANamedVersion() async throws {
        let h = Harness()
        for version in ["v1", "v2", "v3"] { _ = try await h.deploy(version) }
        let rollback = try await h.rollback(to: "v1")
        #expect(rollback.outcome == .succeeded)
        #expect(await h.activeVersion() == "v1")
    }

    @Test func rollbackToAnUnknownReleaseIsRefusedListingTheRetainedOnes() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        await #expect {
            try await h.rollback(to: "v9")
        } throws: { error in
            (error as? SlipwayError)?.code == .unknownRelease && "\(error)".contains("(v1)")
        }
        await #expect {
            try await h.rollback()
        } throws: { error in
            (error as? SlipwayError)?.code == .nothingToRollBack
        }
    }

    @Test func failedRollbackExitsWith5AndKeepsTheCurrentRelease() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        h.world.setHealthy("v1", false)
        let rollback = try await h.rollback()
        #expect(rollback.exitCode == .rollbackFailed)
        #expect(await h.activeVersion() == "v2")
    }

    @Test func postSwitchHealthFailureWithinTheWatchRollsBackAutomatically() async throws {
        let h = Harness(watch: .seconds(30))
        _ = try await h.deploy("v1")
        let v2 = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        // unhealthy_threshold is 2: one failed probe is not enough.
        try await h.supervise(after: .milliseconds(10))
        #expect(await h.activeVersion() == "v2")
        try await h.supervise(after: .milliseconds(10))
        #expect(await h.activeVersion() == "v1")
        #expect(await h.store.deployment(id: v2.id)?.outcome == .rolledBack)
        let record = await h.store.deployment(id: v2.id)
        #expect(record?.exitCode == .smokeFailedRolledBack)
        let automatic = await h.store.deployments(service: Harness.web, limit: 10).first { $0.kind == .automaticRollback }
        #expect(automatic?.actor == "slipway")
        #expect(automatic?.outcome == .succeeded)
        let actions = await h.store.audit(service: Harness.web, limit: 100).map(\.action.rawValue)
        #expect(actions.contains("health.unhealthy"))
        #expect(actions.contains("rollback.automatic"))
    }

    @Test func healthFailureAfterTheWatchDoesNotRollBack() async throws {
        let h = Harness(watch: .zero)
        _ = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        try await h.supervise(after: .milliseconds(10))
        try await h.supervise(after: .milliseconds(10))
        #expect(try await h.controller.status().services.first?.health == .unhealthy)
        #expect(await h.audited(.healthUnhealthy))
        #expect(await h.activeVersion() == "v2")
    }
}
