import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// Promotion (issue 14): what succeeded in staging, deployed into production as the same artifact,
/// never built again; over fakes, in milliseconds.
@Suite struct PromotionTests {
    static let stagingWeb = ServiceKey(environment: "staging", service: "web")
    static let productionWeb = ServiceKey(environment: "production", service: "web")

    func harness(production: EnvironmentConfig = EnvironmentConfig(name: "production", tags: .semver(allowPrerelease: false),
                                                                   promoteFrom: "staging")) -> Harness {
        Harness(changes: [:], environments: [EnvironmentConfig(name: "staging"), production], tags: ["v1.0.0", "v2.0.0"])
    }

    func deploy(_ h: Harness, _ ref: String, into environment: String) async throws -> Deployment {
        let controller = h.controller
        return try await h.flowing {
            try await controller.deploy(DeployRequest(service: "web", environment: environment, ref: ref, actor: "alice"))
        }
    }

    func promote(_ h: Harness, release: String? = nil, from: String? = nil) async throws -> Deployment {
        let controller = h.controller
        return try await h.flowing {
            try await controller.promote(PromoteRequest(service: "web", to: "production", from: from, release: release, actor: "alice"))
        }
    }

    @Test func aTagDeployedIntoAPromoteFromEnvironmentIsTheStagingArtifactNotANewBuild() async throws {
        let h = harness()
        let staging = try await deploy(h, "v1.0.0", into: "staging")
        #expect(staging.outcome == .succeeded)
        let production = try await deploy(h, "v1.0.0", into: "production")
        #expect(production.outcome == .succeeded, "\(production.message ?? "")")
        #expect(production.promotedFrom == staging.id)
        #expect(production.artifact != nil && production.artifact == staging.artifact)
        #expect(production.stages.first { $0.name == .build }?.outcome == .skipped)
        #expect(production.environment == "production" && production.kind == .deploy)
        let copied = try #require(await h.store.releases(service: Self.productionWeb).first)
        let built = try #require(await h.store.releases(service: Self.stagingWeb).first)
        #expect(copied.id != built.id && copied.commit == built.commit && copied.artifact == built.artifact)
        #expect(await h.activeVersionIn("production") == "v1.0.0")
    }

    @Test func aCommitThatNeverSucceededInTheSourceIsRefused() async throws {
        let h = harness()
        let error = await refusal { try await deploy(h, "v2.0.0", into: "production") }
        #expect(error?.code == .policyRefused)
        #expect(error.map { ExitStatus.forError($0.code) } == .checksFailed)
        #expect(error?.message.contains("never succeeded there") == true)
        #expect(await h.store.releases(service: Self.productionWeb).isEmpty)
        // A release that failed in staging does not count either.
        h.world.setHealthy("v2.0.0", false)
        #expect(try await deploy(h, "v2.0.0", into: "staging").outcome == .failed)
        #expect(await refusal { try await deploy(h, "v2.0.0", into: "production") }?.code == .policyRefused)
    }

    @Test func promoteTakesWhatTheSourceServesOrANamedRelease() async throws {
        let h = harness()
        let first = try await deploy(h, "v1.0.0", into: "staging")
        let second = try await deploy(h, "v2.0.0", into: "staging")
        let promoted = try await promote(h)
        #expect(promoted.promotedFrom == second.id)
        #expect(await h.activeVersionIn("production") == "v2.0.0")
        let older = try await promote(h, release: "v1.0.0")
        #expect(older.promotedFrom == first.id)
        #expect(await h.activeVersionIn("production") == "v1.0.0")
        #expect(await refusal { try await promote(h, release: "v9") }?.code == .unknownRelease)
    }

    @Test func aTagPolicyRefusesPromotingAnUntaggedCommit() async throws {
        let h = harness()
        #expect(try await deploy(h, "main", into: "staging").outcome == .succeeded)
        let error = await refusal { try await promote(h) }
        #expect(error?.code == .policyRefused)
        #expect(error?.message.contains("no such tag") == true)
    }

    @Test func aPromotionWithoutASourceEnvironmentIsRefused() async throws {
        let h = harness(production: EnvironmentConfig(name: "production"))
        #expect(try await deploy(h, "v1.0.0", into: "staging").outcome == .succeeded)
        #expect(await refusal { try await promote(h) }?.code == .badRequest)
        #expect(try await promote(h, from: "staging").outcome == .succeeded)
        #expect(await refusal { try await promote(h, from: "production") }?.code == .badRequest)
    }

    @Test func aPromotionIntoAnEnvironmentWithApprovalsWaitsAndThenCarriesTheArtifact() async throws {
        let h = harness(production: EnvironmentConfig(name: "production", promoteFrom: "staging", approvals: ApprovalPolicy(required: 1)))
        let staging = try await deploy(h, "v1.0.0", into: "staging")
        let pending = try await promote(h)
        #expect(pending.outcome == .pending && pending.promotedFrom == staging.id && pending.artifact == staging.artifact)
        _ = try await h.controller.approve(pending.id, ApprovalRequest(actor: "bob"))
        try await h.supervise(after: .milliseconds(100))
        let ran = try await h.controller.deployment(id: pending.id)
        #expect(ran.outcome == .succeeded, "\(ran.message ?? "")")
        #expect(ran.stages.first { $0.name == .build }?.outcome == .skipped)
        #expect(await h.activeVersionIn("production") == "v1.0.0")
    }

    @Test func releaseNotesSpanTheEnvironmentsPreviousReleaseToThisOne() async throws {
        let h = Harness(changes: [:], environments: [EnvironmentConfig(name: "staging"), EnvironmentConfig(name: "production")],
                        configure: { $0.paths = ["services/web/**"] })
        #expect(try await deploy(h, "a", into: "staging").notes == ["root..a services/web/**"])
        #expect(try await deploy(h, "b", into: "staging").notes == ["a..b services/web/**"])
        // Production's previous release is its own, not staging's.
        #expect(try await deploy(h, "a", into: "production").notes == ["root..a services/web/**"])
        #expect(try await deploy(h, "b", into: "production").notes == ["a..b services/web/**"])
        // The same commit again: nothing new.
        #expect(try await deploy(h, "b", into: "production").notes == [])
    }

    @Test func aFrozenEnvironmentRefusesPromotionsButAHotfixPasses() async throws {
        let h = harness(production: EnvironmentConfig(name: "production", promoteFrom: "staging", hotfix: HotfixPolicy(approvals: 0)))
        #expect(try await deploy(h, "v1.0.0", into: "staging").outcome == .succeeded)
        _ = try await h.controller.freeze(FreezeRequest(environment: "production", reason: "incident", actor: "ops"))
        #expect(await refusal { try await promote(h) }?.code == .frozen)
        let controller = h.controller
        let hotfix = try await h.flowing {
            try await controller.promote(PromoteRequest(service: "web", to: "production", hotfix: true, reason: "the fix", actor: "alice"))
        }
        #expect(hotfix.outcome == .succeeded && hotfix.hotfix == "the fix" && hotfix.promotedFrom != nil)
    }

    @Test func stagingAndProductionOfOneServiceDeployAtTheSameTime() async throws {
        let gate = BuildGate()
        let h = Harness(gate: gate, changes: [:], environments: [EnvironmentConfig(name: "staging"), EnvironmentConfig(name: "production")])
        let controller = h.controller
        let staging = Task { try await controller.deploy(DeployRequest(service: "web", environment: "staging", ref: "a", actor: "x")) }
        let production = Task { try await controller.deploy(DeployRequest(service: "web", environment: "production", ref: "b", actor: "y")) }
        // Both hold their own lock while their exports wait: neither is refused as busy.
        try await h.flowing {
            await gate.waitForArrivals(2)
            await gate.release()
            _ = try await (staging.value, production.value)
        }
        #expect(try await staging.value.outcome == .succeeded)
        #expect(try await production.value.outcome == .succeeded)
    }
}
