import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct RollbackTests {
    @Test func rollbackGoesToTheReleaseTheActiveOneReplacedWithoutRebuilding() async throws {
        let h = Harness()
        let v1 = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(rollback.outcome == .succeeded)
        #expect(rollback.kind == .rollback)
        #expect(rollback.toRelease == v1.toRelease)
        #expect(!rollback.stages.contains { $0.name == .build })
        #expect(await h.activeVersion() == "v1")
    }

    @Test func rollbackToANamedVersion() async throws {
        let h = Harness()
        for version in ["v1", "v2", "v3"] { _ = try await h.deploy(version) }
        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", to: "v1", actor: "alice"))
        #expect(rollback.outcome == .succeeded)
        #expect(await h.activeVersion() == "v1")
    }

    @Test func rollbackToAnUnknownReleaseIsRefusedListingTheRetainedOnes() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        await #expect {
            try await h.controller.rollback(RollbackRequest(service: "web", to: "v9", actor: "alice"))
        } throws: { error in
            (error as? SlipwayError)?.code == .unknownRelease && "\(error)".contains("(v1)")
        }
        await #expect {
            try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        } throws: { error in
            (error as? SlipwayError)?.code == .nothingToRollBack
        }
    }

    @Test func failedRollbackExitsWith5AndKeepsTheCurrentRelease() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        h.world.setHealthy("v1", false)
        let rollback = try await h.controller.rollback(RollbackRequest(service: "web", actor: "alice"))
        #expect(rollback.exitCode == .rollbackFailed)
        #expect(await h.activeVersion() == "v2")
    }

    @Test func postSwitchHealthFailureWithinTheWatchRollsBackAutomatically() async throws {
        let h = Harness(watch: .seconds(30))
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        _ = try await h.deploy("v1")
        let v2 = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        #expect(await eventually("rolled back to v1") { await h.activeVersion() == "v1" })
        #expect(await eventually("v2 marked rolled back") {
            await h.store.deployment(id: v2.id)?.outcome == .rolledBack
        })
        let record = await h.store.deployment(id: v2.id)
        #expect(record?.exitCode == .smokeFailedRolledBack)
        let automatic = await h.store.deployments(service: ServiceKey(service: "web"), limit: 10).first { $0.kind == .automaticRollback }
        #expect(automatic?.actor == "slipway")
        #expect(automatic?.outcome == .succeeded)
        let actions = await h.store.audit(service: ServiceKey(service: "web"), limit: 100).map(\.action.rawValue)
        #expect(actions.contains("health.unhealthy"))
        #expect(actions.contains("rollback.automatic"))
    }

    @Test func healthFailureAfterTheWatchDoesNotRollBack() async throws {
        let h = Harness(watch: .zero)
        let supervision = Task { await h.controller.run() }
        defer { supervision.cancel() }
        _ = try await h.deploy("v1")
        _ = try await h.deploy("v2")
        h.world.setHealthy("v2", false)
        #expect(await eventually("marked unhealthy") {
            (try? await h.controller.status().services.first?.health) == .unhealthy
        })
        #expect(await h.activeVersion() == "v2")
    }
}
