import Foundation
import SlipwayModel

/// start (or reuse the release's warm instance) → health → switch → smoke → drain → stop. A failure
/// before the switch stops the new instance and leaves the previous release serving; a failed smoke
/// test switches back while the previous release still runs.
extension DeploymentMachine {
    /// The first probe of a health gate, or of a warm instance found still running.
    mutating func beginCutover() -> [Action] {
        guard let release else { return [] }
        if recreates { return beginRecreate() }
        if let warm = plan.previous?.warm, warm.releaseID == release.id {
            phase = .probingWarm
            return [.beginStage(.start), .probeWarm(warm)]
        }
        phase = .starting
        return [.beginStage(.start), .start(release)]
    }

    /// Whether the instance replaced at the switch stays warm until the watch ends.
    var keepsReplacedWarm: Bool {
        if case .automaticRollback = plan.kind { return false }
        if recreated { return false }
        return service.watch > .zero
    }

    mutating func handleCutover(_ event: Event) -> [Action] {
        guard let release else { return [] }
        switch (phase, event) {
        case (.probingWarm, .warmProbed(let alive, let result, let at)):
            guard let warm = plan.previous?.warm else { return [] }
            if alive, let result, result.healthy {
                // It passed its healthy_threshold when it started and has run since: one probe proves it still answers.
                var check = service.health
                check.healthyThreshold = 1
                return [.endStage(.start, .succeeded, "release \(release.id) is still running warm (pid \(warm.pid) on "
                    + "127.0.0.1:\(warm.port)): nothing to start")] + beginGate(warm, check: check, at: at)
            }
            phase = .starting
            if alive, let result {
                return [.log("the warm instance of \(release.id) (pid \(warm.pid)) failed its probe (\(result.summary)); "
                    + "starting the release again"), .stop(warm), .forgetWarm, .start(release)]
            }
            return [.log("the warm instance of \(release.id) (pid \(warm.pid)) is gone; starting the release again"),
                    .forgetWarm, .start(release)]

        case (.starting, .instanceStarted(let started, let at)):
            return [.recordInstance(started), .endStage(.start, .succeeded, "pid \(started.pid) on 127.0.0.1:\(started.port)")]
                + beginGate(started, check: service.health, at: at)
        case (.starting, .startFailed(let reason)):
            return [.endStage(.start, .failed, reason)] + (recreated ? restorePrevious(after: .start, reason) : cutoverFailed(.start, reason))

        case (.gating, .probed(let result, let at)):
            guard var gate else { return [] }
            let next = gate.handle(result, at: at)
            self.gate = gate
            return gateAction(next, at: at)
        case (.gating, .instanceExited(let exit)):
            guard var gate else { return [] }
            let next = gate.instanceExited(exit)
            self.gate = gate
            return gateAction(next)
        case (.gating, .gateCancelled):
            return gateAction(.fail(reason: "cancelled"))

        case (.failingHealth, .logTail(let tail)):
            guard let instance, let reason = healthFailure else { return [] }
            var actions: [Action] = [.stop(instance)]
            if instance == plan.previous?.warm { actions.append(.forgetWarm) }
            let detail = tail.isEmpty ? reason : "\(reason)\nlast lines of the release's log:\n\(tail)"
            return actions + [.endStage(.health, .failed, detail)]
                + (recreated ? restorePrevious(after: .health, reason) : cutoverFailed(.health, reason))

        case (.switching, .switched(let replaced, let at, let warmNow)):
            guard let instance else { return [] }
            // After a rollout the proxy's primary may be the new release already (a canary at 100%):
            // what the switch replaced is the release that served.
            // Recreate drained and stopped it before the start: there is nothing left to drain.
            self.replaced = recreated ? nil : rolloutStrategy != nil ? plan.previous?.instance?.upstream : replaced
            // The replaced instance is recorded as warm from this instant, so a daemon that dies before
            // it is stopped finds it; until when depends on the watch.
            let replacedInstance = replacedInstance
            let active = ActiveRelease(service: service.name, releaseID: release.id, instance: instance,
                                       previousReleaseID: plan.previous?.releaseID, switchedAt: at, warm: replacedInstance,
                                       warmUntil: replacedInstance.map { _ in
                                           at.addingTimeInterval(keepsReplacedWarm ? service.watch.seconds : 0)
                                       }).keyed(service.key)
            // The release an earlier deploy kept warm, as the controller knew it at the switch.
            olderWarm = warmNow.flatMap { $0 == instance ? nil : $0 }
            let moved = replaced.map { "traffic moved from \($0) to \(instance.upstream)" }
                ?? "traffic now goes to \(instance.upstream)"
            let held: [Action] = recreated ? [.releaseTraffic] : []
            return [.activate(active, startedAt: startedAt)] + held + [.endStage(.switch, .succeeded, moved)] + afterSwitch()

        case (.smoking, .smokePassed):
            guard let instance else { return [] }
            nextSmokeTest += 1
            if nextSmokeTest < service.smoke.count {
                return [.runSmokeTest(service.smoke[nextSmokeTest], release: release, instance: instance)]
            }
            return [.endStage(.smoke, .succeeded, "\(service.smoke.count) smoke test(s) passed")] + beginDrain()
        case (.smoking, .smokeFailed(let failure)) where recreated:
            // The previous release is stopped: the new one stops, and the previous starts again.
            smokeFailure = failure
            guard let instance else { return [] }
            return [.endStage(.smoke, .failed, failure), .holdTraffic, .stop(instance)] + restorePrevious(after: .smoke, failure)
        case (.smoking, .smokeFailed(let failure)):
            smokeFailure = failure
            phase = .switchingBack
            var actions: [Action] = [.endStage(.smoke, .failed, failure), .beginStage(.rollback)]
            if let old = plan.previous?.instance {
                actions.append(.checkAlive(old))
            } else {
                actions += switchBack()
            }
            return actions

        case (.switchingBack, .previousAlive(let alive)):
            guard alive else {
                return [.endStage(.rollback, .failed, "the previous release \(plan.previous?.releaseID ?? "-") is no longer running")]
                    + smokeFailed(restored: false)
            }
            return switchBack()
        case (.switchingBack, .drained):
            guard let instance else { return [] }
            return [.stop(instance),
                    .endStage(.rollback, .succeeded, plan.previous.map { "traffic back on release \($0.releaseID); the new release was stopped" }
                        ?? "the new release was stopped; the service has no release serving")]
                + smokeFailed(restored: true)

        case (.draining, .drained(let left)):
            guard let replaced else { return [] }
            let drained = left == 0 ? "no request left in flight on \(replaced)"
                : "\(left) request(s) still in flight on \(replaced) after drain_timeout \(DurationText.format(service.drainTimeout))"
            return [.endStage(.drain, left == 0 ? .succeeded : .failed, drained)] + stopReplaced()
        default:
            return []
        }
    }

    /// The instance the switch took traffic from, unless it is the one traffic went to (a rollback to a warm instance).
    private var replacedInstance: Instance? {
        if recreated { return nil }
        return plan.previous?.instance.flatMap { $0 == instance ? nil : $0 }
    }

    private mutating func beginGate(_ instance: Instance, check: HealthCheckConfig, at: Duration) -> [Action] {
        phase = .gating
        self.instance = instance
        startedAt = at
        let gate = HealthGate(check: check, startedAt: at)
        self.gate = gate
        return [.beginStage(.health), .claimExits(instance)] + gateAction(gate.firstAction())
    }

    private mutating func gateAction(_ action: HealthGate.Action, at: Duration = .zero) -> [Action] {
        guard let instance else { return [] }
        switch action {
        case .probe(let delay):
            return [.probe(instance, after: delay)]
        case .pass where rolloutStrategy != nil:
            return [.unclaimExits(instance), .endStage(.health, .succeeded, "healthy at \(instance.upstream)\(service.health.path)")]
                + beginRollout(at: at)
        case .pass:
            phase = .switching
            let firstRelease: [Action] = isDeploy && [.canary, .blueGreen].contains(service.delivery.strategy)
                ? [.log("the first release of \(service.key): nothing serves beside it, so it switches at once "
                        + "(no \(service.delivery.strategy.rawValue) rollout)")] : []
            return firstRelease + [.unclaimExits(instance), .endStage(.health, .succeeded, "healthy at \(instance.upstream)\(service.health.path)"),
                    .beginStage(.switch), .switchTraffic(to: instance.upstream)]
        case .fail(let reason):
            phase = .failingHealth
            healthFailure = reason
            return [.unclaimExits(instance), .fetchLogTail(instance)]
        }
    }

    /// Smoke tests run while the previous release still runs, so going back is one more switch.
    private mutating func afterSwitch() -> [Action] {
        // Blue-green's smoke tests ran against the preview.
        guard isDeploy, !service.smoke.isEmpty, rolloutStrategy != .blueGreen, let release, let instance else { return beginDrain() }
        phase = .smoking
        nextSmokeTest = 0
        return [.beginStage(.smoke), .runSmokeTest(service.smoke[0], release: release, instance: instance)]
    }

    private mutating func beginDrain() -> [Action] {
        phase = .draining
        guard let replaced else {
            let why = recreated ? "drained before the new release started (recreate)" : "no previous release"
            return [.beginStage(.drain), .endStage(.drain, .skipped, why)] + stopReplaced()
        }
        return [.beginStage(.drain), .drain(replaced)]
    }

    /// Stops the release an earlier deploy kept warm, and the replaced one unless it stays warm for the watch.
    private mutating func stopReplaced() -> [Action] {
        // Recreate stopped what served before the start, in its own `stop` stage.
        if recreated, olderWarm == nil { return cutoverSwitched() }
        var actions: [Action] = [.beginStage(.stop)]
        var stopped: [String] = []
        if let olderWarm {
            actions.append(.stop(olderWarm))
            stopped.append("stopped release \(olderWarm.releaseID) (pid \(olderWarm.pid)), which was kept warm")
        }
        if let old = replacedInstance {
            if keepsReplacedWarm {
                stopped.append("release \(old.releaseID) (pid \(old.pid)) stays running, unrouted, until the watch ends in "
                    + "\(DurationText.format(service.watch)): a rollback until then is a switch")
            } else {
                actions += [.stop(old), .forgetWarm]
                stopped.append("stopped release \(old.releaseID) (pid \(old.pid)); its directory stays for rollback")
            }
        }
        actions.append(.endStage(.stop, stopped.isEmpty ? .skipped : .succeeded,
                                 stopped.isEmpty ? "nothing to stop" : stopped.joined(separator: "; ")))
        return actions + cutoverSwitched()
    }

    /// Traffic back to the upstream the switch replaced (none on a first deploy), the previous
    /// release active again, the new instance drained, then stopped.
    private mutating func switchBack() -> [Action] {
        guard let instance else { return [] }
        return [.switchBack(to: replaced, previous: plan.previous), .drain(instance.upstream)]
    }
}
