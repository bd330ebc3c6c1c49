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
        guard plan.previous?.instance != nil else { return [] }
        phase = .recreating
        recreated = true
        return [.beginStage(.stop), .holdTraffic, .drain(previousUpstreams)]
    }

    mutating func handleRecreate(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.recreating, .drained(let left)):
            guard let release, let previous = plan.previous, let first = previous.instance else { return [] }
            var actions: [Action] = previous.instances.map { .stop($0) }
            var stopped = ["stopped release \(first.releaseID) (\(Self.pids(previous.instances)))"
                + (left == 0 ? "" : " with \(left) request(s) still in flight after drain_timeout")]
            let warm = previous.warmInstances.filter { !previous.instances.contains($0) }
            if !warm.isEmpty {
                actions += warm.map { .stop($0) }
                stopped.append("stopped release \(warm[0].releaseID) (\(Self.pids(warm))), which was kept warm")
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
            return restored.map { .stop($0) } + previousNotRestored(reason)
        case (.restoringPrevious, .probed(let result, let at)):
            guard var gate = restoreGate, let restored = restoring else { return [] }
            let next = gate.handle(result, at: at)
            restoreGate = gate
            switch next {
            case .probe(let delay):
                return [.probe(restored, after: delay)]
            case .fail(let reason):
                return ([restored] + self.restored).map { .stop($0) } + previousNotRestored(reason)
            case .pass:
                guard var active = plan.previous else { return [] }
                self.restored.append(restored)
                if self.restored.count < active.instances.count {
                    return [.restartRelease(active.releaseID)]
                }
                let back = self.restored
                active.instance = back[0]
                active.replicas = Array(back.dropFirst())
                active.warm = nil
                active.warmUntil = nil
                active.warmReplicas = []
                let again: [Action] = [.restoreRoute(back.map(\.upstream)), .activate(active, startedAt: at), .releaseTraffic,
                                       .endStage(.rollback, .succeeded, "release \(restored.releaseID) started again and serves "
                                           + "(\(Self.pids(back))); the requests held meanwhile went to it")]
                if restoreStage == .smoke || restoreStage == .publish { return again + smokeFailed(restored: true) }
                return again + cutoverFailed(restoreStage ?? .health, restoreReason ?? "")
            }
        case (.restoringPrevious, .instanceExited(let exit)):
            guard let restored = restoring else { return [] }
            return ([restored] + self.restored).map { .stop($0) } + previousNotRestored("it \(exit)")
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
