import Foundation
import SlipwayModel

/// The rules of a deployment that waits (issue 14), as plain functions: how many approvals it
/// needs, whether an approval counts, and what is due for it now. `PendingDeployments` performs them.
package enum ApprovalRules {
    /// The approvals a deployment into `environment` needs: the hotfix path's for a hotfix, else
    /// the environment's own. Zero: it starts at once.
    package static func required(in environment: EnvironmentConfig?, hotfix: Bool) -> Int {
        if hotfix { return environment?.hotfix?.approvals ?? 0 }
        return environment?.approvals?.required ?? 0
    }

    /// Whether a deployment into `environment` must wait at all (approvals or a wait timer).
    package static func mustWait(in environment: EnvironmentConfig?, hotfix: Bool) -> Bool {
        required(in: environment, hotfix: hotfix) > 0 || (environment?.waitTimer ?? .zero) > .zero
    }

    /// Refuses an approval that would not count, saying why: only a pending deployment is
    /// approved, never by who asked for it, once per actor, and only by the environment's approvers
    /// when it names them.
    package static func check(_ approval: ApprovalRequest, of record: Deployment, policy: ApprovalPolicy?) throws {
        let context = ErrorContext(service: record.service, deployment: record.id)
        guard record.outcome == .pending else {
            throw SlipwayError(.approvalRefused, "deployment \(record.id) is \(record.outcome.rawValue), not pending: nothing to approve",
                               context: context)
        }
        guard approval.actor != record.actor else {
            throw SlipwayError(.approvalRefused, "\(approval.actor) asked for deployment \(record.id) and cannot approve it: "
                               + "an approval must come from someone else", context: context)
        }
        guard !record.approvalsGiven.contains(where: { $0.actor == approval.actor }) else {
            throw SlipwayError(.approvalRefused, "\(approval.actor) has already approved deployment \(record.id): "
                               + "approvals are counted once per person", context: context)
        }
        if let approvers = policy?.from, !approvers.contains(approval.actor) {
            throw SlipwayError(.approvalRefused, "\(approval.actor) is not one of the approvers of \(record.environment ?? ServiceKey.defaultEnvironment) "
                               + "(\(approvers.joined(separator: ", ")))", context: context)
        }
    }

    /// What is due for a pending deployment now.
    package enum Due: Equatable {
        /// Still waiting: for approvals, its wait timer, or the end of a freeze.
        case wait
        case start
        case expire
    }

    package static func due(_ record: Deployment, now: Date, frozen: Bool) -> Due {
        guard record.outcome == .pending else { return .wait }
        let approved = record.approvalsGiven.count >= (record.approvalsRequired ?? 0)
        if !approved, let expiresAt = record.expiresAt, now >= expiresAt { return .expire }
        guard approved else { return .wait }
        if let notBefore = record.notBefore, now < notBefore { return .wait }
        // A freeze holds what is pending, but a hotfix is what passes one.
        if frozen && record.hotfix == nil { return .wait }
        return .start
    }

    /// What a pending deployment is waiting for, in words (for `deploy`'s answer and `show`).
    package static func waitingFor(_ record: Deployment, now: Date, frozen: Bool) -> String {
        var reasons: [String] = []
        let missing = (record.approvalsRequired ?? 0) - record.approvalsGiven.count
        if missing > 0 { reasons.append("\(missing) more approval(s) (slipway approve \(record.id))") }
        if let notBefore = record.notBefore, now < notBefore { reasons.append("its wait timer, until \(notBefore.formatted(.iso8601))") }
        if frozen && record.hotfix == nil { reasons.append("the end of the freeze") }
        return reasons.isEmpty ? "nothing: it starts now" : reasons.joined(separator: ", ")
    }
}
