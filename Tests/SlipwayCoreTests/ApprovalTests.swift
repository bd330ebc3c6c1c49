import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// Deployments that wait (issue 14): approvals from distinct people, a wait timer, an expiry, a
/// freeze that holds them, a hotfix that passes it; over fakes and a manual clock, in milliseconds.
@Suite struct ApprovalTests {
    static let key = ServiceKey(environment: "production", service: "web")

    func harness(_ production: EnvironmentConfig) -> Harness {
        Harness(changes: [:], environments: [production], tags: ["v1.0.0", "v1.1.0"])
    }

    func request(_ h: Harness, _ ref: String = "v1.0.0", actor: String = "alice", hotfix: String? = nil) async throws -> Deployment {
        var request = DeployRequest(service: "web", environment: "production", ref: ref, actor: actor)
        if let hotfix { (request.hotfix, request.reason) = (true, hotfix) }
        let controller = h.controller
        let sent = request
        return try await h.flowing { try await controller.deploy(sent) }
    }

    func approve(_ h: Harness, _ id: String, by actor: String) async throws -> Deployment {
        try await h.controller.approve(id, ApprovalRequest(actor: actor))
    }

    func record(_ h: Harness, _ id: String) async throws -> Deployment {
        try await h.controller.deployment(id: id)
    }

    @Test func aDeploymentWaitsForTwoDistinctApproversAndThenRuns() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 2, from: ["bob", "carol", "dave"])))
        let pending = try await request(h)
        #expect(pending.outcome == .pending)
        #expect(pending.approvalsRequired == 2)
        #expect(pending.exitCode == nil)
        try await h.supervise(after: .seconds(1))
        #expect(await h.store.releases(service: Self.key).isEmpty, "nothing is built before the approvals")

        let own = await refusal { try await approve(h, pending.id, by: "alice") }
        #expect(own?.code == .approvalRefused && own?.message.contains("someone else") == true)
        #expect(try await approve(h, pending.id, by: "bob").approvalsGiven.map(\.actor) == ["bob"])
        let twice = await refusal { try await approve(h, pending.id, by: "bob") }
        #expect(twice?.code == .approvalRefused && twice?.message.contains("once per person") == true)
        let outsider = await refusal { try await approve(h, pending.id, by: "mallory") }
        #expect(outsider?.code == .approvalRefused && outsider?.message.contains("bob, carol, dave") == true)
        #expect(outsider.map { ExitStatus.forError($0.code) } == .refused)
        // None of the refused ones counted.
        #expect(try await record(h, pending.id).approvalsGiven.count == 1)
        try await h.supervise(after: .seconds(1))
        #expect(try await record(h, pending.id).outcome == .pending)

        _ = try await approve(h, pending.id, by: "carol")
        try await h.supervise(after: .milliseconds(100))
        let ran = try await record(h, pending.id)
        #expect(ran.outcome == .succeeded)
        #expect(ran.actor == "alice")
        #expect(ran.approvalsGiven.map(\.actor) == ["bob", "carol"])
        #expect(await h.activeVersionIn("production") == "v1.0.0")
        let actions = await h.store.auditEntries.map(\.action)
        #expect(actions.filter { $0 == .deployApproved }.count == 2)
        #expect(actions.contains(.deployPending) && actions.contains(.deploySucceeded))
        // Approving what already ran is refused too.
        #expect(await refusal { try await approve(h, pending.id, by: "dave") }?.code == .approvalRefused)
    }

    @Test func aRejectedDeploymentNeverStarts() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 1)))
        let pending = try await request(h)
        let noReason = await refusal { try await h.controller.reject(pending.id, ApprovalRequest(actor: "bob", comment: " ")) }
        #expect(noReason?.code == .badRequest)
        let rejected = try await h.controller.reject(pending.id, ApprovalRequest(actor: "bob", comment: "not during the sale"))
        #expect(rejected.outcome == .rejected)
        #expect(rejected.exitCode == .refused)
        #expect(rejected.rejection?.actor == "bob")
        #expect(await refusal { try await approve(h, pending.id, by: "carol") }?.code == .approvalRefused)
        try await h.supervise(after: .seconds(60))
        #expect(try await record(h, pending.id).outcome == .rejected)
        #expect(await h.store.releases(service: Self.key).isEmpty)
        #expect(await h.store.auditEntries.contains { $0.action == .deployRejected && $0.actor == "bob" })
    }

    @Test func theWaitTimerHoldsAnApprovedDeployment() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 1), waitTimer: .seconds(300)))
        let pending = try await request(h)
        _ = try await approve(h, pending.id, by: "bob")
        try await h.supervise(after: .seconds(240))
        #expect(try await record(h, pending.id).outcome == .pending)
        try await h.supervise(after: .seconds(61))
        #expect(try await record(h, pending.id).outcome == .succeeded)
    }

    @Test func aWaitTimerAloneDelaysEveryDeployment() async throws {
        let h = harness(EnvironmentConfig(name: "production", waitTimer: .seconds(60)))
        let pending = try await request(h)
        #expect(pending.outcome == .pending && pending.approvalsRequired == nil)
        try await h.supervise(after: .seconds(30))
        #expect(try await record(h, pending.id).outcome == .pending)
        try await h.supervise(after: .seconds(31))
        #expect(try await record(h, pending.id).outcome == .succeeded)
    }

    @Test func anUnapprovedDeploymentExpires() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 2), approvalTimeout: .seconds(3600)))
        let pending = try await request(h)
        _ = try await approve(h, pending.id, by: "bob")
        try await h.supervise(after: .seconds(3599))
        #expect(try await record(h, pending.id).outcome == .pending)
        try await h.supervise(after: .seconds(2))
        let expired = try await record(h, pending.id)
        #expect(expired.outcome == .expired)
        #expect(expired.message?.contains("1 of 2") == true)
        #expect(await refusal { try await approve(h, pending.id, by: "carol") }?.code == .approvalRefused)
        #expect(await h.store.auditEntries.contains { $0.action == .deployExpired })
    }

    @Test func aFreezeHoldsPendingDeploymentsUntilUnfrozen() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 1)))
        let pending = try await request(h)
        _ = try await h.controller.freeze(FreezeRequest(environment: "production", reason: "incident", actor: "ops"))
        _ = try await approve(h, pending.id, by: "bob")
        try await h.supervise(after: .seconds(600))
        let held = try await record(h, pending.id)
        #expect(held.outcome == .pending)
        #expect(held.message?.contains("freeze") == true)
        try await h.controller.unfreeze(environment: "production", actor: "ops")
        try await h.supervise(after: .milliseconds(100))
        #expect(try await record(h, pending.id).outcome == .succeeded)
    }

    @Test func aHotfixPassesAFreezeWithTheHotfixPathsApprovals() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 2), hotfix: HotfixPolicy(approvals: 1)))
        _ = try await h.controller.freeze(FreezeRequest(environment: "production", reason: "incident", actor: "ops"))
        #expect(await refusal { try await request(h) }?.code == .frozen)
        let noReason = await refusal { try await request(h, hotfix: " ") }
        #expect(noReason?.code == .badRequest)
        let hotfix = try await request(h, hotfix: "fix the login outage")
        #expect(hotfix.outcome == .pending)
        #expect(hotfix.approvalsRequired == 1)
        #expect(hotfix.hotfix == "fix the login outage")
        _ = try await approve(h, hotfix.id, by: "bob")
        try await h.supervise(after: .milliseconds(100))
        let ran = try await record(h, hotfix.id)
        #expect(ran.outcome == .succeeded)
        #expect(ran.hotfix == "fix the login outage")
        #expect(await h.store.auditEntries.contains { $0.action == .deployHotfix && $0.detail.contains("login outage") })
    }

    @Test func withoutAHotfixPathAHotfixIsRefused() async throws {
        let h = harness(EnvironmentConfig(name: "production"))
        let error = await refusal { try await request(h, hotfix: "urgent") }
        #expect(error?.code == .policyRefused)
        #expect(error?.message.contains("no hotfix path") == true)
    }

    @Test func pendingDeploymentsSurviveARestart() async throws {
        let h = harness(EnvironmentConfig(name: "production", approvals: ApprovalPolicy(required: 1)))
        let pending = try await request(h)
        let restarted = h.restartedController()
        try await restarted.recover()
        _ = try await restarted.approve(pending.id, ApprovalRequest(actor: "bob"))
        try await h.supervise(after: .milliseconds(100), restarted)
        #expect(try await restarted.deployment(id: pending.id).outcome == .succeeded)
    }
}
