import Foundation
import SlipwayModel

/// Deployments that wait before they start (issue 14): for approvals, a wait timer or the end of a
/// freeze. Each is recorded at once with outcome `pending` (so it survives a restart and shows in
/// `history`); approvals and rejections change its record here, one at a time, so an approval
/// never overwrites the start it completed; the supervision loop asks for the due ones
/// (`claimDue`) and starts them.
actor PendingDeployments {
    let deps: ControllerDependencies
    let table: ServiceTable
    let gates: EnvironmentGates
    /// The pending deployments' ids: loaded at recovery, so the supervision loop reads the store
    /// only when something waits.
    private var ids: Set<String> = []

    init(deps: ControllerDependencies, table: ServiceTable, gates: EnvironmentGates) {
        self.deps = deps
        self.table = table
        self.gates = gates
    }

    /// At daemon start: the deployments a previous daemon left waiting wait on.
    func load() async throws {
        ids = Set(try await deps.store.pendingDeployments().map(\.id))
    }

    var isEmpty: Bool { ids.isEmpty }

    /// Records a deployment that must wait, and says what it waits for.
    func request(_ request: DeployRequest, service: ServiceConfig, hotfix: Bool, promoting release: Release? = nil,
                 from succeeded: Deployment? = nil) async throws -> Deployment {
        let environment = gates.config(service.environment)
        let now = deps.now()
        var record = Deployment(id: Identifiers.deploymentID(at: now), kind: .deploy, service: service.name, ref: request.ref,
                                actor: request.actor, startedAt: now, outcome: .pending)
        record.key = service.key
        record.trigger = request.trigger
        record.requestedAt = now
        if let release, let succeeded {
            record.promotedFrom = succeeded.id
            record.version = release.version
            record.commit = release.commit
            record.artifact = release.artifact
        }
        let required = ApprovalRules.required(in: environment, hotfix: hotfix)
        record.approvalsRequired = required > 0 ? required : nil
        if let wait = environment?.waitTimer, wait > .zero { record.notBefore = now.addingTimeInterval(wait.seconds) }
        if let timeout = environment?.approvalTimeout, required > 0 { record.expiresAt = now.addingTimeInterval(timeout.seconds) }
        if hotfix { record.hotfix = request.reason }
        let frozen = try await gates.freeze(of: service.environment) != nil
        record.message = "waiting for " + ApprovalRules.waitingFor(record, now: now, frozen: frozen)
        do {
            try await deps.store.saveDeployment(record)
        } catch {
            throw SlipwayError(.storeFailed, "the deployment could not be recorded, so it was not accepted: \(error)",
                               context: ErrorContext(service: service.name))
        }
        ids.insert(record.id)
        if hotfix {
            await deps.audit(.deployHotfix, service: service.key, deployment: record.id, actor: request.actor,
                             "hotfix of \(service.key) at \(request.ref): \(request.reason ?? "")")
        }
        await deps.audit(.deployPending, service: service.key, deployment: record.id, actor: request.actor,
                         "deploy \(service.key) at \(request.ref): \(record.message ?? "")")
        return record
    }

    func approve(_ id: String, _ approval: ApprovalRequest) async throws -> Deployment {
        var record = try await pending(id)
        try ApprovalRules.check(approval, of: record, policy: gates.config(record.key.environment)?.approvals)
        record.approvals = record.approvalsGiven + [Approval(actor: approval.actor, at: deps.now(), comment: approval.comment)]
        let frozen = try await gates.freeze(of: record.key.environment) != nil
        record.message = "waiting for " + ApprovalRules.waitingFor(record, now: deps.now(), frozen: frozen)
        try await deps.store.saveDeployment(record)
        await deps.audit(.deployApproved, service: record.key, deployment: id, actor: approval.actor,
                         "approved (\(record.approvalsGiven.count) of \(record.approvalsRequired ?? 0))"
                             + (approval.comment.map { ": \($0)" } ?? ""))
        return record
    }

    func reject(_ id: String, _ rejection: ApprovalRequest) async throws -> Deployment {
        var record = try await pending(id)
        let reason = (rejection.comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw SlipwayError(.badRequest, "a rejection needs a reason (--reason)") }
        if let approvers = gates.config(record.key.environment)?.approvals?.from, !approvers.contains(rejection.actor),
           rejection.actor != record.actor {
            throw SlipwayError(.approvalRefused, "\(rejection.actor) is not one of the approvers of "
                               + "\(record.key.environment) (\(approvers.joined(separator: ", ")))",
                               context: ErrorContext(service: record.service, deployment: id))
        }
        record.rejection = Approval(actor: rejection.actor, at: deps.now(), comment: reason)
        finish(&record, .rejected, "rejected by \(rejection.actor): \(reason)")
        try await deps.store.saveDeployment(record)
        ids.remove(id)
        await deps.audit(.deployRejected, service: record.key, deployment: id, actor: rejection.actor, "rejected: \(reason)")
        return record
    }

    /// The pending deployments due to start now, each with its service's lock taken and its record
    /// marked running (a busy service's waits for a later turn); the expired ones are closed.
    func claimDue() async -> [Deployment] {
        guard !ids.isEmpty else { return [] }
        var due: [Deployment] = []
        for id in ids.sorted() {
            guard var record = try? await deps.store.deployment(id: id), record.outcome == .pending else {
                ids.remove(id)
                continue
            }
            let frozen = (try? await gates.freeze(of: record.key.environment)) != nil
            switch ApprovalRules.due(record, now: deps.now(), frozen: frozen) {
            case .wait:
                continue
            case .expire:
                finish(&record, .expired, "not approved within the approval timeout "
                       + "(\(record.approvalsGiven.count) of \(record.approvalsRequired ?? 0) approvals)")
                guard (try? await deps.store.saveDeployment(record)) != nil else { continue }
                ids.remove(id)
                await deps.audit(.deployExpired, service: record.key, deployment: id, record.message ?? "expired")
            case .start:
                guard (try? await table.acquire(record.key, ServiceLock(deploymentID: id, actor: record.actor, what: "deployment"))) != nil
                else { continue }
                ids.remove(id)
                due.append(record)
            }
        }
        return due
    }

    private func pending(_ id: String) async throws -> Deployment {
        guard let record = try await deps.store.deployment(id: id) else {
            throw SlipwayError(.unknownDeployment, "no deployment \(id)", context: ErrorContext(deployment: id))
        }
        return record
    }

    private func finish(_ record: inout Deployment, _ outcome: Deployment.Outcome, _ message: String) {
        record.outcome = outcome
        record.finishedAt = deps.now()
        record.exitCode = .refused
        record.message = message
    }
}
