import SlipwayModel

/// A rolling replacement as a plain state machine: the old release's instances are replaced by
/// new ones in batches, each new instance health-gated by the driver before it joins the pool.
///
/// Two bounds hold at every moment, counted as the driver's world stands once it has performed the
/// actions handed out so far:
/// - **in the pool** (old ones not draining, new ones healthy) ≥ `replicas − max_unavailable`
///   (or as many as served at the start, if fewer);
/// - **running** (old ones until stopped, new ones from their start) ≤ `replicas + max_surge`.
///
/// After every event the machine takes the largest batch the bounds allow: it drains old instances
/// while the pool stays at its floor, and starts new ones while running stays under its ceiling.
/// With `max_surge: 1, max_unavailable: 0` that is one new, then one old drained, then one new...;
/// with `max_surge: 0, max_unavailable: 1` one old drained first, then one new in its place.
///
/// The actions of one list are independent: the driver may perform them at once, and each
/// `startNew` and `drainAndStop` is answered by its own event, in any order.
///
/// A new instance that fails its gate ends the rollout: no more are started, every new one is
/// stopped, those of the old that were stopped (or are being stopped) start again.
package struct RollingRollout: Sendable {
    package enum Event: Sendable, Equatable {
        case begin(at: Duration)
        /// The answer to `startNew`: the instance passed its health gate and the driver added it to
        /// the pool, or it did not (`reason` says why).
        case started(newInstance: String, healthy: Bool, reason: String?)
        /// The answer to `drainAndStop`: the old instance has stopped.
        case stopped(old: String)
        case command(RolloutCommand, at: Duration, actor: String, reason: String?)
    }

    package enum Action: Sendable, Equatable {
        /// Start one instance of the new release for this slot; health-gate it, add it to the pool
        /// when healthy, and answer with `started`.
        case startNew(slot: String)
        /// Take this old instance out of the pool, drain it, stop it, and answer with `stopped`.
        case drainAndStop(old: String)
        /// The failure path: start these old instances again from the old release (for one still
        /// draining: once it has stopped) and put them back in the pool.
        case restoreOld([String])
        /// The failure path: take these new instances out of the pool (those in it) and stop them.
        case stopNew([String])
        /// The command does not apply now; the sentence says why and what would.
        case refuse(String)
        /// The last action: after it events do nothing and commands are refused.
        case finish(RolloutOutcome)
    }

    enum State: Sendable, Equatable {
        case ready
        case replacing
        case finished(RolloutOutcome)
    }

    package let replicas: Int
    package let config: RollingConfig
    let old: [String]
    var state: State = .ready
    var startedAt: Duration?
    /// Old instances in the pool.
    var serving: [String]
    /// Old instances out of the pool, draining or stopping.
    var draining: [String] = []
    var stoppedOld: [String] = []
    /// Every slot started, in order.
    var started: [String] = []
    /// New instances started, not yet through their gate.
    var starting: [String] = []
    /// New instances in the pool.
    var healthy: [String] = []

    /// `old`: the ids of the instances serving now (as many as `replicas`, or fewer or more when
    /// the deploy also scales the service).
    package init(replicas: Int, config: RollingConfig, old: [String]) {
        self.replicas = replicas
        self.config = config
        self.old = old
        self.serving = old
    }

    /// The pool's floor: `replicas − max_unavailable`, or what served at the start if that was fewer.
    var floor: Int { max(0, min(old.count, replicas - config.maxUnavailable)) }
    var ceiling: Int { replicas + config.maxSurge }
    var inPool: Int { serving.count + healthy.count }
    var running: Int { serving.count + draining.count + starting.count + healthy.count }

    package mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.ready, .begin(let at)):
            startedAt = at
            state = .replacing
            return advance()
        case (.replacing, .started(let slot, let isHealthy, let reason)):
            guard let index = starting.firstIndex(of: slot) else { return [] }
            starting.remove(at: index)
            guard isHealthy else {
                return abandon("new instance \(slot) failed its health gate: \(reason ?? "no reason given")")
            }
            healthy.append(slot)
            return advance()
        case (.replacing, .stopped(let id)):
            guard let index = draining.firstIndex(of: id) else { return [] }
            draining.remove(at: index)
            stoppedOld.append(id)
            return advance()
        case (_, .command(let command, _, let actor, let reason)):
            return handle(command, actor: actor, reason: reason)
        default:
            return []
        }
    }

    /// The largest batch the bounds allow now, or the end.
    private mutating func advance() -> [Action] {
        var actions: [Action] = []
        while !serving.isEmpty, inPool - 1 >= floor {
            let id = serving.removeFirst()
            draining.append(id)
            actions.append(.drainAndStop(old: id))
        }
        let wanted = replicas - starting.count - healthy.count
        for _ in 0..<max(0, min(wanted, ceiling - running)) {
            let slot = "new-\(started.count + 1)"
            started.append(slot)
            starting.append(slot)
            actions.append(.startNew(slot: slot))
        }
        if serving.isEmpty, draining.isEmpty, starting.isEmpty, healthy.count == replicas {
            return actions + [finish(.promoted)]
        }
        if actions.isEmpty, draining.isEmpty, starting.isEmpty {
            // Nothing under way and nothing allowed: only `max_surge: 0, max_unavailable: 0` with the
            // old release at its ceiling gets here; waiting would wait forever.
            return abandon("max_surge \(config.maxSurge) and max_unavailable \(config.maxUnavailable) leave no room "
                + "to replace an instance with \(running) running for \(replicas) replicas")
        }
        return actions
    }

    /// The failure path: the old release back in full, the new one gone.
    private mutating func abandon(_ reason: String) -> [Action] {
        let restore = old.filter { stoppedOld.contains($0) || draining.contains($0) }
        var actions: [Action] = []
        if !restore.isEmpty { actions.append(.restoreOld(restore)) }
        if !started.isEmpty { actions.append(.stopNew(started)) }
        return actions + [finish(.aborted(reason: reason, verdict: nil))]
    }

    private mutating func handle(_ command: RolloutCommand, actor: String, reason: String?) -> [Action] {
        switch (state, command) {
        case (.finished(let outcome), _):
            return [.refuse(outcome.refusing(command))]
        case (_, .abort):
            return abandon(RolloutOutcome.abortedBy(actor, reason))
        case (_, .pause), (_, .resume):
            return [.refuse("a rolling replacement does not pause: instances are replaced batch by batch as each new one "
                + "becomes healthy; abort to stop it and bring the old release back")]
        case (_, .promote), (_, .promoteSkippingAnalysis):
            return [.refuse("nothing to promote: a rolling replacement goes on by itself as each new instance becomes "
                + "healthy; abort to stop it and bring the old release back")]
        }
    }

    private mutating func finish(_ outcome: RolloutOutcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }

    /// Where the replacement is, for `slipway rollout SERVICE` and the API.
    package var status: RolloutStatus {
        var status = RolloutStatus(strategy: .rolling, phase: .ready, step: healthy.count, steps: replicas,
                                   weight: inPool > 0 ? healthy.count * 100 / inPool : 0, startedAt: startedAt)
        switch state {
        case .ready:
            break
        case .replacing:
            status.phase = .replacing
        case .finished(let outcome):
            status.phase = .finished
            status.outcome = outcome
            status.weight = outcome == .promoted ? 100 : 0
        }
        return status
    }
}
