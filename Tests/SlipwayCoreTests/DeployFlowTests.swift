import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct DeployFlowTests {
    @Test func deploySwitchesTrafficAndStopsThePreviousRelease() async throws {
        // Without a watch nothing keeps the previous release warm: it is stopped after its drain.
        let h = Harness(watch: .zero)
        let first = try await h.deploy("v1")
        #expect(first.outcome == .succeeded)
        #expect(first.exitCode == .success)
        #expect(await h.activeVersion() == "v1")

        let second = try await h.deploy("v2")
        #expect(second.outcome == .succeeded)
        #expect(second.fromRelease == first.toRelease)
        #expect(await h.activeVersion() == "v2")
        #expect(second.stages.map(\.name.rawValue) == ["validate", "build", "start", "health", "switch", "drain", "stop", "prune", "notify"])
        #expect(second.stages.allSatisfy { $0.outcome != .failed && $0.finishedAt != nil })
        // The v1 instance was stopped after its drain; only v2 runs.
        #expect(h.world.aliveInstances.map(\.releaseID) == [second.toRelease!])
        let drained = await h.router.drained
        #expect(drained.map(\.releaseID) == [first.toRelease!])
    }

    @Test func releaseThatNeverTurnsHealthyLeavesThePreviousServingWithExit3() async throws {
        let h = Harness()
        _ = try await h.deploy("v2")
        h.world.setHealthy("v3", false)
        let failed = try await h.deploy("v3")
        #expect(failed.outcome == .failed)
        #expect(failed.exitCode == .deployFailed)
        #expect(await h.activeVersion() == "v2")
        let health = try #require(failed.stages.first { $0.name == .health })
        #expect(health.outcome == .failed)
        #expect(health.message?.contains("expected status 200, got 503") == true)
        #expect(health.message?.contains("fake log of") == true)
        #expect(failed.message?.contains("still serves") == true)
        // The failed candidate was stopped; nothing after the health stage ran.
        #expect(!failed.stages.contains { $0.name == .switch })
        #expect(h.world.aliveInstances.count == 1)
    }

    @Test func failedBuildExitsWith2AndChangesNothing() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        h.world.state.withLock { _ = $0.failingBuilds.insert("broken") }
        let failed = try await h.deploy("broken")
        #expect(failed.exitCode == .buildFailed)
        #expect(failed.stages.map(\.name.rawValue) == ["validate", "build", "notify"])
        #expect(await h.activeVersion() == "v1")
        let log = await h.store.log(deployment: failed.id)
        #expect(log.contains("building broken"))
    }

    @Test func secondConcurrentDeployIsRefusedNamingTheRunningOne() async throws {
        let gate = BuildGate()
        let h = Harness(gate: gate)
        async let first = h.deploy("v1", actor: "alice")
        await gate.waitForArrivals(1)
        await #expect {
            try await h.deploy("v2", actor: "bob")
        } throws: { error in
            guard let error = error as? SlipwayError else { return false }
            return error.code == .deploymentInProgress && error.message.contains("alice") && error.message.contains("d-")
        }
        await gate.release()
        #expect(try await first.outcome == .succeeded)
    }

    @Test func unknownServiceIsRefused() async throws {
        let h = Harness()
        await #expect(throws: SlipwayError.self) { try await h.deploy("v1", service: "nope") }
    }

    @Test func pruneKeepsRetainReleasesAndNeverTheActiveOrPrevious() async throws {
        let h = Harness(retain: 2)
        for version in ["v1", "v2", "v3", "v4"] { _ = try await h.deploy(version) }
        let kept = await h.store.releases(service: Harness.web).map(\.version)
        #expect(kept == ["v4", "v3"])
    }

    @Test func everyStepIsInTheAuditTrail() async throws {
        let h = Harness()
        _ = try await h.deploy("v1")
        let actions = await h.store.audit(service: Harness.web, limit: 100).map(\.action.rawValue)
        #expect(actions == ["deploy.started", "deploy.succeeded"])
    }
}
