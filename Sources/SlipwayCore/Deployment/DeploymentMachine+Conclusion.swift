import Foundation
import SlipwayModel

/// How each kind of deployment ends: a deploy prunes after a switch and notifies whatever its
/// outcome; a rollback and an automatic rollback only record theirs.
extension DeploymentMachine {
    /// The cutover failed before the switch (start or health): the previous release still serves.
    mutating func cutoverFailed(_ stage: Stage, _ reason: String) -> [Action] {
        switch plan.kind {
        case .deploy, .promote:
            return conclude(End(outcome: .failed, exit: .deployFailed, message: "deploy failed: \(reason)\(stillServes)",
                                audit: .deployFailed, event: .failed, failedStage: stage,
                                nextStep: "see `slipway logs \(id)` for the release's output"))
        case .rollback, .automaticRollback:
            return rollbackFailed(reason)
        }
    }

    /// Smoke tests failed after the switch; `restored` says whether traffic went back.
    mutating func smokeFailed(restored: Bool) -> [Action] {
        let reason = smokeFailure ?? ""
        guard isDeploy else { return rollbackFailed(reason) }
        let what = afterSwitchStage == .publish ? "a publish step failed" : "smoke tests failed"
        return conclude(End(
            outcome: .rolledBack, exit: restored ? .smokeFailedRolledBack : .rollbackFailed,
            message: restored ? "\(what) and \(service.name) was rolled back: \(reason)"
                : "CRITICAL: \(what) (\(reason)) and the switch back failed",
            audit: restored ? .deployRolledBack : .rollbackCritical, event: restored ? .rolledBack : .critical,
            failedStage: afterSwitchStage,
            nextStep: restored ? "see `slipway logs \(id)`; the previous release serves again"
                : "act now: check `slipway status \(service.name)`"))
    }

    /// Traffic is on the new release and the replaced one is drained (and stopped or kept warm).
    mutating func cutoverSwitched() -> [Action] {
        guard let release else { return [] }
        switch plan.kind {
        case .deploy, .promote:
            phase = .pruning
            return [.markSwitchedBy, .beginStage(.prune), .prune]
        case .rollback:
            return [.markSwitchedBy] + conclude(End(
                outcome: .succeeded, exit: .success, message: "\(service.name) rolled back to \(release.version) (release \(release.id))",
                audit: .rollbackSucceeded, event: .succeeded))
        case .automaticRollback(_, let reason, let switchedBy):
            let mark: [Action] = switchedBy.map { [.markRolledBack(deployment: $0, reason: reason)] } ?? []
            return mark + [.endWatch] + conclude(End(
                outcome: .succeeded, exit: .success,
                message: "\(service.name) rolled back automatically to \(release.version) (release \(release.id))",
                audit: .rollbackAutomaticSucceeded, event: .succeeded))
        }
    }

    private mutating func rollbackFailed(_ reason: String) -> [Action] {
        if case .automaticRollback = plan.kind {
            return conclude(End(outcome: .failed, exit: .rollbackFailed,
                                message: "CRITICAL: automatic rollback failed: \(reason); unhealthy release "
                                    + "\(plan.previous?.releaseID ?? "-") still serves",
                                audit: .rollbackCritical, event: .critical))
        }
        return conclude(End(outcome: .failed, exit: .rollbackFailed,
                            message: "rollback failed: \(reason)" + (plan.previous.map { "; release \($0.releaseID) still serves" } ?? ""),
                            audit: .rollbackFailed, event: .failed))
    }

    /// A deploy tells people how it ended, then closes its record; a rollback only closes it.
    mutating func conclude(_ end: End) -> [Action] {
        self.end = end
        guard isDeploy else { return finish() }
        phase = .notifying
        return [.beginStage(.notify), .notify(end.event, failedStage: end.failedStage, nextStep: end.nextStep)]
    }

    mutating func handleConclusion(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.pruning, .pruned(let removed, let retained)):
            // Pruning is housekeeping: a failure is recorded, the deployment still succeeded.
            return [removed.isEmpty ? .endStage(.prune, .skipped, "\(retained) release(s) retained (retain: \(service.retain))")
                        : .endStage(.prune, .succeeded, "pruned \(removed.joined(separator: ", "))")] + deploySucceeded()
        case (.pruning, .pruneFailed(let reason)):
            return [.endStage(.prune, .failed, "pruning failed: \(reason)")] + deploySucceeded()
        case (.notifying, .notified(let total)):
            return [.endStage(.notify, .succeeded, "\(total) notification(s) sent")] + finish()
        default:
            return []
        }
    }

    private mutating func deploySucceeded() -> [Action] {
        guard let release else { return [] }
        return [.recordRollbackDeadline] + conclude(End(
            outcome: .succeeded, exit: .success, message: "\(service.name) now serves \(release.version) (release \(release.id))",
            audit: .deploySucceeded, event: .succeeded, nextStep: "to undo: `slipway rollback \(service.name)`"))
    }

    private mutating func finish() -> [Action] {
        guard let end else { return [] }
        phase = .finished
        return [.finish(end.outcome, end.exit, end.message, audit: end.audit)]
    }
}
