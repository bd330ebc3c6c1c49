import SlipwayModel

/// `strategy: rolling`: the release's instances replaced in batches bounded by `max_surge` and
/// `max_unavailable` (`RollingRollout` decides each batch). Each new instance is started, gated
/// (the first also smoke-tested) and only then joins the pool; each old one leaves the pool, drains
/// and stops. The pool is the two releases side by side, each weighted by its instances in it.
///
/// When every new instance serves and every old one has stopped, the deployment goes on as a switch
/// does (the route made the new release's alone, then prune, notify); nothing is kept warm, so a
/// rollback starts the previous release again. A new instance that fails (or `rollout abort`)
/// ends the replacement: the new instances leave the pool and stop, the old ones stopped meanwhile
/// start again from their release and rejoin, and the deployment ends `rolled_back` (exit 4), or
/// exit 5 when an old one could not be brought back.
extension DeploymentMachine {
    /// What a rolling replacement has done so far, by the ids `RollingRollout` knows instances by.
    struct RollingProgress: Sendable, Equatable {
        /// The old release's instances, `old-1`…, in slot order.
        var old: [String: Instance] = [:]
        var oldOrder: [String] = []
        /// Old instances in the pool.
        var pool: [String] = []
        /// New instances by slot (`new-1`…), once started (healthy or not).
        var new: [String: Instance] = [:]
        /// New instances in the pool, in the order they joined.
        var healthy: [String] = []
        /// Slots asked for and not yet answered.
        var starting: Set<String> = []
        /// Old instances being started again, and those back.
        var restoring: Set<String> = []
        var restored: [Instance] = []
        var restoreFailures: [String] = []
        /// The slot whose instance the smoke tests run against (the first started).
        var smokeSlot: String?
        /// Why the replacement was abandoned, once it was.
        var abandoned: String?
        var recordedInstance = false
    }

    /// Where production traffic belongs if the rollout is cut short: the release that served (for a
    /// rolling replacement, those of its instances still running and those started again).
    var servingBeforeRollout: [Upstream] {
        guard rolling != nil else { return baseline }
        return progress.pool.compactMap { progress.old[$0]?.upstream } + progress.restored.map(\.upstream)
    }

    /// Every instance of the new release started so far.
    var newInstances: [Instance] { started + progress.new.values.filter { !started.contains($0) } }

    /// Whether this deployment replaces the serving instances one batch at a time.
    var rolls: Bool { rolloutStrategy == .rolling }

    /// The replacement begins at the next `rolloutTimer` (which carries the clock's reading).
    mutating func beginRolling() -> [Action] {
        phase = .rollingOut
        return [.beginStage(.rollout), .wake(at: .zero)]
    }

    mutating func handleRolling(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.rollingOut, .rolloutTimer(let at)) where rolling == nil:
            guard let previous = plan.previous else { return [] }
            rolloutBeganAt = at
            progress.oldOrder = previous.instances.indices.map { "old-\($0 + 1)" }
            for (id, instance) in zip(progress.oldOrder, previous.instances) { progress.old[id] = instance }
            progress.pool = progress.oldOrder
            var machine = RollingRollout(replicas: replicaCount, config: service.delivery.rolling, old: progress.oldOrder)
            let first = machine.handle(.begin(at: at))
            rolling = machine
            let config = service.delivery.rolling
            return [.log("replacing \(previous.instances.count) instance(s) of \(previous.releaseID) with \(replicaCount) of "
                         + "\(release?.id ?? "-"): max_surge \(config.maxSurge), max_unavailable \(config.maxUnavailable)")]
                + rollingActions(first, answering: nil)

        case (.rollingOut, .replicaStarted(let slot, let instance, let failure)):
            progress.starting.remove(slot)
            var actions: [Action] = []
            if let instance {
                progress.new[slot] = instance
                if !progress.recordedInstance {
                    progress.recordedInstance = true
                    actions.append(.recordInstance(instance))
                }
            }
            if isRollingFinished {
                // Abandoned while it started: it never joins.
                return actions + (instance.map { [.stop($0)] } ?? []) + rollingConcluded()
            }
            if let instance, failure == nil {
                progress.healthy.append(slot)
                actions += [.log("\(slot) healthy: pid \(instance.pid) on 127.0.0.1:\(instance.port), in the pool"), routeRolling()]
            }
            return actions + feedRolling(.started(newInstance: slot, healthy: failure == nil, reason: failure))

        case (.rollingOut, .replicaStopped(let id)):
            let stopped: [Action] = [.log("\(id) (pid \(progress.old[id]?.pid ?? 0)) drained and stopped")]
            if isRollingFinished { return stopped + rollingConcluded() }
            return stopped + feedRolling(.stopped(old: id))

        case (.rollingOut, .replicaRestored(let id, let instance, let failure)):
            progress.restoring.remove(id)
            var actions: [Action] = []
            if let instance, failure == nil {
                progress.restored.append(instance)
                actions += [.log("\(id) started again: pid \(instance.pid) on 127.0.0.1:\(instance.port)"), routeRolling()]
            } else {
                if let instance { actions.append(.stop(instance)) }
                progress.restoreFailures.append("\(id): \(failure ?? "did not start")")
            }
            return actions + rollingConcluded()

        case (.rollingOut, .rolloutTimer), (.rollingOut, .rolloutCommand):
            if case .rolloutCommand(let request) = event {
                return feedRolling(.command(request.command, at: request.at, actor: request.actor, reason: request.reason),
                                   answering: request.id)
            }
            return []
        default:
            return []
        }
    }

    private var isRollingFinished: Bool {
        if case .finished = rolling?.state { return true }
        return false
    }

    private mutating func feedRolling(_ event: RollingRollout.Event, answering id: Int? = nil) -> [Action] {
        guard var machine = rolling else { return [] }
        let actions = machine.handle(event)
        rolling = machine
        return rollingActions(actions, answering: id)
    }

    private mutating func rollingActions(_ actions: [RollingRollout.Action], answering id: Int?) -> [Action] {
        var mapped: [Action] = []
        var refusal: String?
        for action in actions {
            switch action {
            case .startNew(let slot):
                guard let release else { continue }
                let smoke = !service.smoke.isEmpty && progress.smokeSlot == nil
                if smoke { progress.smokeSlot = slot }
                progress.starting.insert(slot)
                mapped.append(.startReplica(release, slot: slot, smoke: smoke))
            case .drainAndStop(let id):
                progress.pool.removeAll { $0 == id }
                mapped.append(routeRolling())
                if let instance = progress.old[id] { mapped.append(.drainAndStopReplica(instance, id: id)) }
            case .restoreOld(let ids):
                guard let previous = plan.previous else { continue }
                for old in ids {
                    progress.restoring.insert(old)
                    mapped.append(.restoreReplica(releaseID: previous.releaseID, id: old))
                }
            case .stopNew(let slots):
                progress.healthy.removeAll { slots.contains($0) }
                mapped.append(routeRolling())
                mapped += slots.compactMap { progress.new[$0] }.map { .stop($0) }
            case .refuse(let sentence):
                refusal = sentence
            case .finish(.promoted):
                mapped += rollingPromoted()
            case .finish(.aborted(let reason, _)):
                progress.abandoned = reason
                mapped += rollingConcluded()
            }
        }
        return answered(mapped, id: id, refusal: refusal)
    }

    private func routeRolling() -> Action {
        .routeRolling(old: progress.pool.compactMap { progress.old[$0]?.upstream } + progress.restored.map(\.upstream),
                      new: progress.healthy.compactMap { progress.new[$0]?.upstream })
    }

    /// Every new instance serves and every old one stopped: the switch makes it official.
    private mutating func rollingPromoted() -> [Action] {
        started = progress.healthy.compactMap { progress.new[$0] }
        startTimes = started.map { _ in rolloutBeganAt }
        guard let first = started.first else { return [] }
        instance = first
        startedAt = rolloutBeganAt
        phase = .switching
        let old = plan.previous?.instances.count ?? 0
        return [.endStage(.rollout, .succeeded, "replaced \(old) instance(s) of \(plan.previous?.releaseID ?? "-") with \(started.count) of "
                    + "\(release?.id ?? "-") (\(DeploymentMachine.pids(started))), each gated before it joined the pool"),
                .beginStage(.switch), .switchTraffic(to: upstreams)]
    }

    /// Once the replacement was abandoned and nothing is under way any more (no start, no restore
    /// outstanding): the old release serves again as it was, and the deployment ends.
    private mutating func rollingConcluded() -> [Action] {
        guard let reason = progress.abandoned, progress.starting.isEmpty, progress.restoring.isEmpty,
              var previous = plan.previous else { return [] }
        progress.abandoned = nil  // concluded once
        let serving = progress.pool.compactMap { progress.old[$0] } + progress.restored
        previous.instance = serving.first
        previous.replicas = Array(serving.dropFirst())
        previous.warm = nil
        previous.warmReplicas = []
        previous.warmUntil = nil
        let failed = progress.restoreFailures
        var actions: [Action] = [.endStage(.rollout, .failed, reason), .beginStage(.rollback),
                                 .switchBack(to: serving.map(\.upstream), previous: serving.isEmpty ? nil : previous)]
        guard failed.isEmpty else {
            actions.append(.endStage(.rollback, .failed, "the new release was stopped, but \(failed.count) instance(s) of "
                + "\(previous.releaseID) could not be started again: \(failed.joined(separator: "; "))"))
            return actions + conclude(End(outcome: .failed, exit: .rollbackFailed,
                                          message: "CRITICAL: the rolling replacement of \(service.name) failed (\(reason)) and "
                                              + "\(failed.count) instance(s) of \(previous.releaseID) could not be started again; "
                                              + "\(serving.count) serve",
                                          audit: .rollbackCritical, event: .critical, failedStage: .rollout,
                                          nextStep: "act now: `slipway status \(service.name)`"))
        }
        actions.append(.endStage(.rollback, .succeeded, "the new release's instances were stopped; \(serving.count) instance(s) of "
            + "\(previous.releaseID) serve" + (progress.restored.isEmpty ? "" : " (\(progress.restored.count) started again)")))
        return actions + conclude(End(outcome: .rolledBack, exit: .smokeFailedRolledBack,
                                      message: "the rolling replacement of \(service.name) was stopped and rolled back: \(reason)",
                                      audit: .deployRolledBack, event: .rolledBack, failedStage: .rollout,
                                      nextStep: "see `slipway logs \(id)` for the release's output"))
    }
}
