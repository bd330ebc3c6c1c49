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
        if rolls { return beginRolling() }
        if let previous = plan.previous, let warm = previous.warm, warm.releaseID == release.id {
            phase = .probingWarm
            return [.beginStage(.start), .probeWarm(previous.warmInstances)]
        }
        phase = .starting
        return [.beginStage(.start), .start(release)]
    }

    /// Whether the instances replaced at the switch stay warm until the watch ends.
    var keepsReplacedWarm: Bool {
        if case .automaticRollback = plan.kind { return false }
        if recreated || rolls { return false }
        return service.watch > .zero
    }

    mutating func handleCutover(_ event: Event) -> [Action] {
        guard let release else { return [] }
        switch (phase, event) {
        case (.probingWarm, .warmProbed(let alive, let result, let at)):
            guard let previous = plan.previous, let warm = previous.warm else { return [] }
            let warmInstances = previous.warmInstances
            if alive, let result, result.healthy {
                // It passed its healthy_threshold when it started and has run since: one probe proves it still answers.
                var check = service.health
                check.healthyThreshold = 1
                started = warmInstances
                startTimes = warmInstances.map { _ in at }
                gateCheck = check
                let pids = warmInstances.map { "pid \($0.pid) on 127.0.0.1:\($0.port)" }.joined(separator: ", ")
                return [.endStage(.start, .succeeded, "release \(release.id) is still running warm (\(pids)): nothing to start")]
                    + beginGate(warm, at: at, first: true)
            }
            phase = .starting
            let stops: [Action] = warmInstances.map { .stop($0) }
            if alive, let result {
                return [.log("a warm instance of \(release.id) failed its probe (\(result.summary)); starting the release again")]
                    + stops + [.forgetWarm, .start(release)]
            }
            return [.log("a warm instance of \(release.id) is gone; starting the release again")] + stops + [.forgetWarm, .start(release)]

        case (.starting, .instanceStarted(let new, let at)):
            started.append(new)
            startTimes.append(at)
            let record: [Action] = started.count == 1 ? [.recordInstance(new)] : []
            if started.count < replicaCount {
                return record + [.log("replica \(started.count) of \(replicaCount): pid \(new.pid) on 127.0.0.1:\(new.port)"),
                                 .start(release)]
            }
            gateCheck = service.health
            let pids = started.map { "pid \($0.pid) on 127.0.0.1:\($0.port)" }.joined(separator: ", ")
            return record + [.endStage(.start, .succeeded, replicaCount == 1 ? pids : "\(replicaCount) replicas: \(pids)")]
                + beginGate(started[0], at: startTimes[0], first: true)
        case (.starting, .startFailed(let reason)):
            let what = started.isEmpty ? reason : "replica \(started.count + 1) of \(replicaCount): \(reason)"
            let stops: [Action] = started.map { .stop($0) }
            return stops + [.endStage(.start, .failed, what)]
                + (recreated ? restorePrevious(after: .start, what) : cutoverFailed(.start, what))

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
            var actions: [Action] = [.stop(instance)] + started.filter { $0 != instance }.map { .stop($0) }
            if plan.previous?.warmInstances.contains(instance) == true { actions.append(.forgetWarm) }
            let detail = tail.isEmpty ? reason : "\(reason)\nlast lines of the release's log:\n\(tail)"
            return actions + [.endStage(.health, .failed, detail)]
                + (recreated ? restorePrevious(after: .health, reason) : cutoverFailed(.health, reason))

        case (.switching, .routeClaimed(let serving)):
            // After a rollout: what served beside it, as supervision left it.
            if serving?.releaseID == plan.previous?.releaseID { plan.previous = serving }
            return [.switchTraffic(to: upstreams)]

        case (.switching, .switched(let replaced, let at, let warmNow)):
            guard let instance else { return [] }
            // After a rollout the proxy's primary may be the new release already (a canary at 100%):
            // what the switch replaced is the release that served.
            // Recreate drained and stopped it before the start: there is nothing left to drain.
            // Rolling drained and stopped each old instance on the way.
            self.replaced = recreated || rolls ? [] : rolloutStrategy != nil ? previousUpstreams
                : replaced.filter { !upstreams.contains($0) }
            // The replaced instances are recorded as warm from this instant, so a daemon that dies before
            // they are stopped finds them; until when depends on the watch.
            let replacedInstances = replacedInstances
            let active = ActiveRelease(service: service.name, releaseID: release.id, instance: instance,
                                       previousReleaseID: plan.previous?.releaseID, switchedAt: at, warm: replacedInstances.first,
                                       warmUntil: replacedInstances.first.map { _ in
                                           at.addingTimeInterval(keepsReplacedWarm ? service.watch.seconds : 0)
                                       }, replicas: Array(started.dropFirst()), warmReplicas: Array(replacedInstances.dropFirst()))
                .keyed(service.key)
            // The instances an earlier deploy kept warm, as the controller knew them at the switch.
            olderWarm = warmNow.filter { !started.contains($0) }
            let now = upstreams.map(\.description).joined(separator: ", ")
            let moved = replaced.isEmpty ? "traffic now goes to \(now)"
                : "traffic moved from \(replaced.map(\.description).joined(separator: ", ")) to \(now)"
            let held: [Action] = recreated ? [.releaseTraffic] : []
            return [.activate(active, startedAt: startedAt)] + held + [.endStage(.switch, .succeeded, moved)] + afterSwitch()

        case (.smoking, .smokePassed):
            guard let instance else { return [] }
            nextSmokeTest += 1
            if nextSmokeTest < service.smoke.count {
                return [.runSmokeTest(service.smoke[nextSmokeTest], release: release, instance: instance)]
            }
            return [.endStage(.smoke, .succeeded, "\(service.smoke.count) smoke test(s) passed")] + afterSmoke()
        case (.smoking, .smokeFailed(let failure)):
            return failedAfterSwitch(.smoke, failure)

        case (.publishingSite, .publishStepPassed):
            guard let instance else { return [] }
            nextPublishStep += 1
            if nextPublishStep < service.publish.count {
                return [.runPublishStep(service.publish[nextPublishStep], release: release, instance: instance)]
            }
            return [.endStage(.publish, .succeeded, "\(service.publish.count) publish step(s) done")] + beginDrain()
        case (.publishingSite, .publishStepFailed(let failure)):
            return failedAfterSwitch(.publish, failure)

        case (.switchingBack, .previousAlive(let alive)):
            guard alive else {
                return [.endStage(.rollback, .failed, "the previous release \(plan.previous?.releaseID ?? "-") is no longer running")]
                    + smokeFailed(restored: false)
            }
            return switchBack()
        case (.switchingBack, .drained):
            return started.map { .stop($0) }
                + [.endStage(.rollback, .succeeded, plan.previous.map { "traffic back on release \($0.releaseID); the new release was stopped" }
                    ?? "the new release was stopped; the service has no release serving")]
                + smokeFailed(restored: true)

        case (.draining, .drained(let left)):
            guard !replaced.isEmpty else { return [] }
            let on = replaced.map(\.description).joined(separator: ", ")
            let drained = left == 0 ? "no request left in flight on \(on)"
                : "\(left) request(s) still in flight on \(on) after drain_timeout \(DurationText.format(service.drainTimeout))"
            return [.endStage(.drain, left == 0 ? .succeeded : .failed, drained)] + stopReplaced()
        default:
            return []
        }
    }

    /// The instances the switch took traffic from, except those traffic went to (a rollback to warm instances).
    private var replacedInstances: [Instance] {
        if recreated || rolls { return [] }
        return (plan.previous?.instances ?? []).filter { !started.contains($0) }
    }

    /// Gates `instance` (the next of `started`); `first`: the health stage begins with it.
    private mutating func beginGate(_ instance: Instance, at: Duration, first: Bool) -> [Action] {
        phase = .gating
        self.instance = instance
        startedAt = at
        let gate = HealthGate(check: gateCheck ?? service.health, startedAt: at)
        self.gate = gate
        return (first ? [.beginStage(.health)] : []) + [.claimExits(instance)] + gateAction(gate.firstAction())
    }

    private mutating func gateAction(_ action: HealthGate.Action, at: Duration = .zero) -> [Action] {
        guard let instance else { return [] }
        switch action {
        case .probe(let delay):
            return [.probe(instance, after: delay)]
        case .pass where gated + 1 < started.count:
            // The next replica's gate; it has been starting meanwhile.
            gated += 1
            let next = started[gated]
            return [.unclaimExits(instance), .log("replica \(gated) of \(started.count) healthy at \(instance.upstream)")]
                + beginGate(next, at: startTimes[gated], first: false)
        case .pass:
            gated = started.count
            self.instance = started[0]
            startedAt = startTimes[0]
            let healthy = started.count == 1 ? "healthy at \(instance.upstream)\(service.health.path)"
                : "\(started.count) replicas healthy at \(upstreams.map(\.description).joined(separator: ", ")) (\(service.health.path))"
            if rolloutStrategy != nil {
                return [.unclaimExits(instance), .endStage(.health, .succeeded, healthy)] + beginRollout(at: at)
            }
            phase = .switching
            let firstRelease: [Action] = isDeploy && [.canary, .blueGreen].contains(service.delivery.strategy)
                ? [.log("the first release of \(service.key): nothing serves beside it, so it switches at once "
                        + "(no \(service.delivery.strategy.rawValue) rollout)")] : []
            return firstRelease + [.unclaimExits(instance), .endStage(.health, .succeeded, healthy),
                                   .beginStage(.switch), .switchTraffic(to: upstreams)]
        case .fail(let reason):
            phase = .failingHealth
            healthFailure = started.count == 1 ? reason : "replica \(gated + 1) of \(started.count): \(reason)"
            return [.unclaimExits(instance), .fetchLogTail(instance)]
        }
    }

    /// Smoke tests run while the previous release still runs, so going back is one more switch.
    private mutating func afterSwitch() -> [Action] {
        // Blue-green's smoke tests ran against the preview, rolling's against its first new instance.
        guard isDeploy, !service.smoke.isEmpty, rolloutStrategy != .blueGreen, !rolls, let release, let instance else { return afterSmoke() }
        phase = .smoking
        nextSmokeTest = 0
        return [.beginStage(.smoke), .runSmokeTest(service.smoke[0], release: release, instance: instance)]
    }

    /// A static site's publish steps (a CDN upload, a purge) run once its smoke tests passed, while
    /// going back is still one switch: a step that fails rolls the site back like a smoke test.
    private mutating func afterSmoke() -> [Action] {
        guard isDeploy, !service.publish.isEmpty, let release, let instance else { return beginDrain() }
        phase = .publishingSite
        nextPublishStep = 0
        return [.beginStage(.publish), .runPublishStep(service.publish[0], release: release, instance: instance)]
    }

    /// A smoke test or a publish step failed after the switch: traffic goes back to what served.
    private mutating func failedAfterSwitch(_ stage: Stage, _ failure: String) -> [Action] {
        smokeFailure = failure
        afterSwitchStage = stage
        if recreated {
            // The previous release is stopped: the new one stops, and the previous starts again.
            return [.endStage(stage, .failed, failure), .holdTraffic] + started.map { .stop($0) }
                + restorePrevious(after: stage, failure)
        }
        phase = .switchingBack
        var actions: [Action] = [.endStage(stage, .failed, failure), .beginStage(.rollback)]
        if let old = plan.previous?.instance {
            actions.append(.checkAlive(old))
        } else {
            actions += switchBack()
        }
        return actions
    }

    private mutating func beginDrain() -> [Action] {
        phase = .draining
        guard !replaced.isEmpty else {
            let why = recreated ? "drained before the new release started (recreate)"
                : rolls ? "each old instance was drained before it stopped (rolling)" : "no previous release"
            return [.beginStage(.drain), .endStage(.drain, .skipped, why)] + stopReplaced()
        }
        return [.beginStage(.drain), .drain(replaced)]
    }

    /// Stops the instances an earlier deploy kept warm, and the replaced ones unless they stay warm for the watch.
    private mutating func stopReplaced() -> [Action] {
        // Recreate stopped what served before the start, in its own `stop` stage.
        if recreated || rolls, olderWarm.isEmpty { return cutoverSwitched() }
        var actions: [Action] = [.beginStage(.stop)]
        var stopped: [String] = []
        if !olderWarm.isEmpty {
            actions += olderWarm.map { .stop($0) }
            stopped.append("stopped release \(olderWarm[0].releaseID) (\(Self.pids(olderWarm))), which was kept warm")
        }
        let old = replacedInstances
        if let first = old.first {
            if keepsReplacedWarm {
                stopped.append("release \(first.releaseID) (\(Self.pids(old))) stays running, unrouted, until the watch ends in "
                    + "\(DurationText.format(service.watch)): a rollback until then is a switch")
            } else {
                actions += old.map { .stop($0) } + [.forgetWarm]
                stopped.append("stopped release \(first.releaseID) (\(Self.pids(old))); its directory stays for rollback")
            }
        }
        actions.append(.endStage(.stop, stopped.isEmpty ? .skipped : .succeeded,
                                 stopped.isEmpty ? "nothing to stop" : stopped.joined(separator: "; ")))
        return actions + cutoverSwitched()
    }

    /// `pid 12` or `pids 12, 13, 14`.
    static func pids(_ instances: [Instance]) -> String {
        // A static site's release has no process: its files are what it is.
        if let site = instances.first?.site, instances.count == 1 { return "files at \(site.root)" }
        return (instances.count == 1 ? "pid " : "pids ") + instances.map { String($0.pid) }.joined(separator: ", ")
    }

    /// Traffic back to the upstreams the switch replaced (none on a first deploy), the previous
    /// release active again, the new instances drained, then stopped.
    private mutating func switchBack() -> [Action] {
        [.switchBack(to: replaced, previous: plan.previous), .drain(upstreams)]
    }
}
