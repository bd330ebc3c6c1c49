import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// The rules environments add (issue 14), in milliseconds over fakes: each environment runs its own
/// releases of a service, and its gates (freeze, tag policy, rollback window) refuse before any work.
@Suite struct EnvironmentGateTests {
    static let staging = EnvironmentConfig(name: "staging")
    static let production = EnvironmentConfig(name: "production", tags: .semver(allowPrerelease: false),
                                              rollbackWindow: .seconds(3600))
    static let stagingWeb = ServiceKey(environment: "staging", service: "web")
    static let productionWeb = ServiceKey(environment: "production", service: "web")

    func harness(tags: Set<String> = ["v1.0.0", "v1.1.0", "v2.0.0-rc.1"]) -> Harness {
        Harness(changes: [:], environments: [Self.staging, Self.production], tags: tags)
    }

    func deploy(_ h: Harness, _ ref: String, into environment: String?, actor: String = "alice") async throws -> Deployment {
        let controller = h.controller
        return try await h.flowing {
            try await controller.deploy(DeployRequest(service: "web", environment: environment, ref: ref, actor: actor))
        }
    }

    func rollback(_ h: Harness, in environment: String, override: Bool? = nil, reason: String? = nil) async throws -> Deployment {
        let controller = h.controller
        return try await h.flowing {
            try await controller.rollback(RollbackRequest(service: "web", environment: environment, actor: "root",
                                                          override: override, reason: reason))
        }
    }

    @Test func eachEnvironmentRunsItsOwnReleaseOfAService() async throws {
        let h = harness()
        #expect(try await deploy(h, "main", into: "staging").outcome == .succeeded)
        #expect(try await deploy(h, "v1.0.0", into: "production").outcome == .succeeded)
        let staging = try #require(await h.router.upstream(of: Self.stagingWeb))
        let production = try #require(await h.router.upstream(of: Self.productionWeb))
        #expect(staging != production)
        #expect(await h.store.releases(service: Self.stagingWeb).first?.version == "main")
        #expect(await h.store.releases(service: Self.productionWeb).first?.version == "v1.0.0")
        let history = try await h.controller.history(service: "web", environment: "production", limit: 10)
        #expect(history.map(\.environment) == ["production"])
    }

    @Test func withSeveralEnvironmentsARequestMustNameOne() async throws {
        let h = harness()
        let error = await refusal { try await deploy(h, "main", into: nil) }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("name one with --env") == true)
        let unknown = await refusal { try await deploy(h, "main", into: "qa") }
        #expect(unknown?.code == .unknownService)
        #expect(unknown?.message.contains("staging, production") == true)
    }

    @Test func aFrozenEnvironmentRefusesDeploysButNotRollbacks() async throws {
        let h = harness()
        #expect(try await deploy(h, "v1.0.0", into: "production").outcome == .succeeded)
        #expect(try await deploy(h, "v1.1.0", into: "production").outcome == .succeeded)
        _ = try await h.controller.freeze(FreezeRequest(environment: "production", reason: "incident 4711", actor: "bob"))
        let error = await refusal { try await deploy(h, "v1.1.0", into: "production") }
        #expect(error?.code == .frozen)
        #expect(error.map { ExitStatus.forError($0.code) } == .refused)
        #expect(error?.message.contains("bob") == true && error?.message.contains("incident 4711") == true)
        // Staging is not frozen; a rollback of production is still allowed.
        #expect(try await deploy(h, "main", into: "staging").outcome == .succeeded)
        #expect(try await rollback(h, in: "production").outcome == .succeeded)
        #expect(try await h.controller.freezes().map(\.environment) == ["production"])
        try await h.controller.unfreeze(environment: "production", actor: "bob")
        #expect(try await deploy(h, "v1.1.0", into: "production").outcome == .succeeded)
        let audit = await h.store.auditEntries
        #expect(audit.contains { $0.action == .environmentFrozen && $0.actor == "bob" && $0.environment == "production" })
        #expect(audit.contains { $0.action == .environmentUnfrozen })
    }

    @Test func aFreezeNeedsAReasonAndAnExistingEnvironment() async throws {
        let h = harness()
        await #expect(throws: SlipwayError.self) {
            _ = try await h.controller.freeze(FreezeRequest(environment: "production", reason: "  ", actor: "bob"))
        }
        await #expect(throws: SlipwayError.self) {
            _ = try await h.controller.freeze(FreezeRequest(environment: "qa", reason: "x", actor: "bob"))
        }
        await #expect(throws: SlipwayError.self) { try await h.controller.unfreeze(environment: "production", actor: "bob") }
        #expect(await h.store.auditEntries.isEmpty)
    }

    @Test(arguments: ["main", "v1.2", "release-5", "v1.2.3.4", "v01.2.3", "1.2.3", "v2.0.0-rc.1", "v9.9.9"])
    func productionTakesOnlySemverTagsThatExist(ref: String) async throws {
        let h = harness()
        let error = await refusal { try await deploy(h, ref, into: "production") }
        #expect(error?.code == .policyRefused, "\(ref)")
        #expect(error.map { ExitStatus.forError($0.code) } == .checksFailed)
        #expect(error?.message.contains(ref) == true)
        // Refused before any work: nothing was built or recorded.
        #expect(await h.store.releases(service: Self.productionWeb).isEmpty)
        #expect(try await h.controller.history(service: "web", environment: "production", limit: 10).isEmpty)
    }

    @Test func prereleasesPassWhenTheEnvironmentAllowsThem() async throws {
        let production = EnvironmentConfig(name: "production", tags: .semver(allowPrerelease: true))
        let h = Harness(changes: [:], environments: [production], tags: ["v2.0.0-rc.1"])
        let controller = h.controller
        let record = try await h.flowing {
            try await controller.deploy(DeployRequest(service: "web", environment: "production", ref: "v2.0.0-rc.1", actor: "a"))
        }
        #expect(record.outcome == .succeeded)
    }

    @Test func aRollbackPastTheWindowNeedsAnOverrideWithAReason() async throws {
        let h = harness()
        #expect(try await deploy(h, "v1.0.0", into: "production").outcome == .succeeded)
        let second = try await deploy(h, "v1.1.0", into: "production")
        let deadline = try #require(second.rollbackDeadline)
        #expect(deadline.timeIntervalSince(second.finishedAt ?? .distantPast) > 3590)
        h.clock.advance(by: .seconds(3601))
        let closed = await refusal { try await rollback(h, in: "production") }
        #expect(closed?.code == .rollbackWindowClosed)
        #expect(closed.map { ExitStatus.forError($0.code) } == .refused)
        #expect(closed?.message.contains("--override") == true)
        let noReason = await refusal { try await rollback(h, in: "production", override: true, reason: nil) }
        #expect(noReason?.code == .badRequest)
        let overridden = try await rollback(h, in: "production", override: true, reason: "v1.1.0 corrupts invoices")
        #expect(overridden.outcome == .succeeded)
        #expect(overridden.override == "v1.1.0 corrupts invoices")
        #expect(await h.activeVersionIn("production") == "v1.0.0")
        #expect(await h.store.auditEntries.contains { $0.action == .rollbackOverride && $0.detail.contains("corrupts invoices") })
    }

    @Test func withinTheWindowOrWithoutOneARollbackIsPlain() async throws {
        let h = harness()
        #expect(try await deploy(h, "v1.0.0", into: "production").outcome == .succeeded)
        #expect(try await deploy(h, "v1.1.0", into: "production").outcome == .succeeded)
        #expect(try await deploy(h, "a", into: "staging").outcome == .succeeded)
        #expect(try await deploy(h, "b", into: "staging").outcome == .succeeded)
        h.clock.advance(by: .seconds(3000))
        #expect(try await rollback(h, in: "production").override == nil)
        h.clock.advance(by: .seconds(7200))
        // Staging has no rollback window.
        #expect(try await rollback(h, in: "staging").outcome == .succeeded)
    }

    @Test func semanticVersionTags() {
        #expect(SemanticVersionTag("v1.2.3") == SemanticVersionTag(major: 1, minor: 2, patch: 3))
        #expect(SemanticVersionTag("v0.0.0") != nil)
        #expect(SemanticVersionTag("v1.2.3-rc.1")?.prerelease == "rc.1")
        #expect(SemanticVersionTag("v1.2.3-alpha-2.x")?.isPrerelease == true)
        for bad in ["1.2.3", "v1.2", "v1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.3-", "v1.2.3-rc..1", "v1.2.3-01", "v1.2.3+build", "v-1.2.3", "vx.y.z", ""] {
            #expect(SemanticVersionTag(bad) == nil, "\(bad)")
        }
    }
}

extension SemanticVersionTag {
    init(major: Int, minor: Int, patch: Int) {
        self = SemanticVersionTag("v\(major).\(minor).\(patch)")!
    }
}

extension Harness {
    func activeVersionIn(_ environment: String) async -> String? {
        let key = ServiceKey(environment: environment, service: "web")
        guard let upstream = await router.upstream(of: key) else { return nil }
        return await store.releases(service: key).first { $0.id == upstream.releaseID }?.version
    }
}
