import Foundation
import SlipwayModel

/// `strategy: recreate`, for what must never run twice (an `exclusive` Docker service, a singleton
/// worker): the proxy holds the service's new requests (`recreate.hold_requests`, then 503), the
/// serving release drains and stops, and only then the new one starts, is gated and takes the held
/// requests. A new release that fails to start or to become healthy is stopped and the previous one
/// is started again from its release directory, gated, routed, and takes them instead; the
/// deployment fails with exit 3 (or 5 when the previous release cannot be brought back).
///
/// Rollbacks of such a service recreate too: no two of its releases ever run at once.
extension DeploymentMachine {
    /// Whether this deployment replaces a running release by stopping it first.
    var recreates: Bool {
        service.delivery.strategy == .recreate && plan.previous?.instance != nil
    }

    /// Held requests, drain, stop: the start comes after `drained`.
    mutating func beginRecreate() -> [Action] {
        guard let previous = plan.previous?.instance else { return [] }
        phase = .recreating
        recreated = true
        return [.beginStage(.stop), .holdTraffic, .drain(previous.upstream)]
    }

    mutating func handleRecreate(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.recreating, .drained(let left)):
            guard let release, let previous = plan.previous?.instance else { return [] }
            var actions: [Action] = [.stop(previous)]
            var stopped = ["stopped release \(previous.releaseID) (pid \(previous.pid))"
                + (left == 0 ? "" : " with \(left) request(s) still in flight after drain_timeout")]
            if let warm = plan.previous?.warm, warm != previous {
                actions.append(.stop(warm))
                stopped.append("stopped release \(warm.releaseID) (pid \(warm.pid)), which was kept warm")
            }
            phase = .starting
            let hold = DurationText.format(service.delivery.recreate.holdRequests)
            return actions + [.forgetWarm,
                              .endStage(.stop, .succeeded, stopped.joined(separator: "; ")
                                  + " before the new release starts (recreate); new requests wait in the proxy up to \(hold)"),
                              .beginStage(.start), .start(release)]

        case (.restoringPrevious, .instanceStarted(let started, let at)):
            restoring = started
            restoreGate = HealthGate(check: service.health, startedAt: at)
            return [.log("release \(started.releaseID) started again: pid \(started.pid) on 127.0.0.1:\(started.port)"),
                    .probe(started, after: .zero)]
        case (.restoringPrevious, .startFailed(let reason)):
            return previousNotRestored(reason)
        case (.restoringPrevious, .probed(let result, let at)):
            guard var gate = restoreGate, let restored = restoring else { return [] }
            let next = gate.handle(result, at: at)
            restoreGate = gate
            switch next {
            case .probe(let delay):
                return [.probe(restored, after: delay)]
            case .fail(let reason):
                return [.stop(restored)] + previousNotRestored(reason)
            case .pass:
                guard var active = plan.previous else { return [] }
                active.instance = restored
                active.warm = nil
                active.warmUntil = nil
                let back: [Action] = [.restoreRoute(restored.upstream), .activate(active, startedAt: at), .releaseTraffic,
                                      .endStage(.rollback, .succeeded, "release \(restored.releaseID) started again and serves "
                                          + "(pid \(restored.pid)); the requests held meanwhile went to it")]
                if restoreStage == .smoke { return back + smokeFailed(restored: true) }
                return back + cutoverFailed(restoreStage ?? .health, restoreReason ?? "")
            }
        case (.restoringPrevious, .instanceExited(let exit)):
            guard let restored = restoring else { return [] }
            return [.stop(restored)] + previousNotRestored("it \(exit)")
        default:
            return []
        }
    }

    /// The new release failed at `stage` after the previous one was stopped: start that one again.
    mutating func restorePrevious(after stage: Stage, _ reason: String) -> [Action] {
        guard let previous = plan.previous else { return [] }
        phase = .restoringPrevious
        restoreStage = stage
        restoreReason = reason
        return [.beginStage(.rollback), .restartRelease(previous.releaseID)]
    }

    private mutating func previousNotRestored(_ reason: String) -> [Action] {
        let failed = restoreReason ?? ""
        return [.releaseTraffic, .endStage(.rollback, .failed, "release \(plan.previous?.releaseID ?? "-") could not be started again: \(reason)")]
            + conclude(End(outcome: .failed, exit: .rollbackFailed,
                           message: "CRITICAL: \(failed), and the previous release \(plan.previous?.releaseID ?? "-") "
                               + "it replaced (recreate) could not be started again: \(reason)",
                           audit: .rollbackCritical, event: .critical, failedStage: restoreStage,
                           nextStep: "act now: `slipway status \(service.name)`; `slipway rollback \(service.name)` starts a retained release"))
    }
}
