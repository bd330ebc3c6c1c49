import SlipwayModel

/// A deploy with `strategy: canary` or `blue_green`: between the health gate and the switch, a
/// rollout (`CanaryRollout`, `BlueGreenRollout`, each a machine of its own) decides whether and when
/// the new release takes all traffic. Its actions become the deployment's: weights and the preview
/// on the proxy, analysis windows, wakes, the `run` check, step records, answers to the people who
/// command it. A promotion goes on as a switch (`switching`, then smoke tests, drain, watch); an abort
/// puts traffic back on the release that served, stops the new one and ends `rolled_back` (exit 4).
///
/// Blue-green's smoke tests run against the preview, before the rollout begins: a failure there
/// discards the preview, and production never moved. `auto_switch` counts from the moment the
/// preview became healthy. A service's first release switches at once (`rolloutStrategy`).
extension DeploymentMachine {
    /// One command of a person to the running rollout; `id` pairs it with its answer.
    package struct RolloutRequest: Sendable, Equatable {
        package var id: Int
        package var command: RolloutCommand
        package var actor: String
        package var reason: String?
        package var at: Duration

        package init(id: Int, command: RolloutCommand, actor: String, reason: String?, at: Duration) {
            self.id = id
            self.command = command
            self.actor = actor
            self.reason = reason
            self.at = at
        }
    }

    /// The strategy whose rollout this deployment runs after its gate; nil: it switches at once.
    ///
    /// A service's first release has no release serving beside it: nobody is served yet, so there
    /// is nothing a preview or a share protects. It switches at once, unless a canary has
    /// `analysis.slo`: then its steps are judged against those limits.
    var rolloutStrategy: Strategy? {
        guard isDeploy else { return nil }
        let firstRelease = plan.previous?.instance == nil
        switch service.delivery.strategy {
        case .canary where !firstRelease || service.delivery.canary.analysis.slo != nil: return .canary
        case .blueGreen where service.delivery.blueGreen != nil && !firstRelease: return .blueGreen
        case .rolling where !firstRelease: return .rolling
        default: return nil
        }
    }

    /// Where the rollout is, for `slipway rollout SERVICE status`; nil when none runs.
    package var rolloutStatus: RolloutStatus? {
        canary?.status ?? blueGreen?.status ?? rolling?.status
    }

    /// The release that served, its instances in the pool: where the rest of production traffic goes.
    var baseline: [Upstream] {
        guard let pool = baselinePool else { return previousUpstreams }
        // Only instances still recorded (a restart replaced the others already in the pool it reported).
        return pool.filter { previousUpstreams.contains($0) }
    }

    /// The gate passed at `at`: the rollout begins.
    mutating func beginRollout(at: Duration) -> [Action] {
        guard let instance, let strategy = rolloutStrategy else { return [] }
        rolloutBeganAt = at
        // The release serving beside it stays supervised for as long as the rollout lasts.
        var actions: [Action] = [.beginStage(.rollout), .lendBaseline]
        switch strategy {
        case .canary:
            phase = .rollingOut
            var machine = CanaryRollout(config: service.delivery.canary)
            let first = machine.handle(.begin(at: at))
            canary = machine
            return actions + canaryActions(first, answering: nil)
        default:
            actions.append(.routePreview(upstreams, baseline: baseline))
            guard !service.smoke.isEmpty, let release else { return actions + beginBlueGreen() }
            phase = .smokingPreview
            nextSmokeTest = 0
            return actions + [.beginStage(.smoke), .runSmokeTest(service.smoke[0], release: release, instance: instance)]
        }
    }

    private mutating func beginBlueGreen() -> [Action] {
        guard let config = service.delivery.blueGreen else { return [] }
        phase = .rollingOut
        var machine = BlueGreenRollout(config: config)
        let first = machine.handle(.begin(at: rolloutBeganAt))
        blueGreen = machine
        return blueGreenActions(first, answering: nil)
    }

    mutating func handleRollout(_ event: Event) -> [Action] {
        if rolls, phase == .rollingOut { return handleRolling(event) }
        switch (phase, event) {
        case (.smokingPreview, .baselineChanged(let serving, let routed)), (.rollingOut, .baselineChanged(let serving, let routed)):
            // A baseline replica restarted or left the pool: the same split (or preview) over what serves now.
            guard let serving, serving.releaseID == plan.previous?.releaseID else { return [] }
            plan.previous = serving
            baselinePool = routed
            if let canary { return [.routeSplit(canary: upstreams, baseline: baseline, weight: canary.status.weight)] }
            return [.routePreview(upstreams, baseline: baseline)]
        case (.abortingRollout, .routeClaimed(let serving)):
            if serving?.releaseID == plan.previous?.releaseID { plan.previous = serving }
            return [.routeBaseline(baseline), .drain(upstreams)]
        case (.smokingPreview, .smokePassed):
            guard let release, let instance else { return [] }
            nextSmokeTest += 1
            if nextSmokeTest < service.smoke.count {
                return [.runSmokeTest(service.smoke[nextSmokeTest], release: release, instance: instance)]
            }
            return [.endStage(.smoke, .succeeded, "\(service.smoke.count) smoke test(s) passed against the preview")]
                + beginBlueGreen()
        case (.smokingPreview, .smokeFailed(let failure)):
            return [.endStage(.smoke, .failed, failure)]
                + abortRollout(reason: "smoke tests failed against the preview: \(failure)", stage: .smoke)

        case (.rollingOut, .rolloutTimer(let at)):
            return handleEither(canary: .timer(at: at), blueGreen: .timer(at: at), answering: nil)
        case (.rollingOut, .windowCollected(let canaryStats, let baseline, let at)):
            guard var machine = canary else { return [] }
            let actions = machine.handle(.windowCollected(at: at, canary: canaryStats, baseline: baseline))
            canary = machine
            return canaryActions(actions, answering: nil)
        case (.rollingOut, .rolloutCheckFinished(let passed, let summary, let at)):
            guard var machine = canary else { return [] }
            let actions = machine.handle(.checkFinished(at: at, passed: passed, summary: summary))
            canary = machine
            return canaryActions(actions, answering: nil)
        case (.rollingOut, .rolloutCommand(let request)):
            return handleEither(canary: .command(request.command, at: request.at, actor: request.actor, reason: request.reason),
                                blueGreen: .command(request.command, at: request.at, actor: request.actor, reason: request.reason),
                                answering: request.id)
        case (_, .rolloutCommand(let request)):
            // The rollout ended (or has not begun) while the command was on its way.
            return [.answerRollout(id: request.id, refusal: "the rollout of \(service.key) is not running: "
                        + "the deployment is \(phase.rawValue.replacingOccurrences(of: "_", with: " "))")]

        case (.abortingRollout, .drained):
            let back = plan.previous.map { "traffic is back on release \($0.releaseID)" } ?? "the service has no release serving, as before"
            return started.map { .stop($0) } + [.endStage(.rollback, .succeeded, "\(back); the new release was stopped")]
                + conclude(End(outcome: .rolledBack, exit: .smokeFailedRolledBack,
                               message: "the rollout of \(service.name) was stopped and rolled back: \(rolloutFailure ?? "")",
                               audit: .deployRolledBack, event: .rolledBack, failedStage: rolloutFailedStage,
                               nextStep: "see `slipway show \(id)` for each step's figures"))
        default:
            return []
        }
    }

    /// An event both rollouts take, handed to the one this deployment runs.
    private mutating func handleEither(canary canaryEvent: CanaryRollout.Event, blueGreen blueGreenEvent: BlueGreenRollout.Event,
                                       answering id: Int?) -> [Action] {
        if var machine = canary {
            let actions = machine.handle(canaryEvent)
            canary = machine
            return canaryActions(actions, answering: id)
        }
        guard var machine = blueGreen else { return [] }
        let actions = machine.handle(blueGreenEvent)
        blueGreen = machine
        return blueGreenActions(actions, answering: id)
    }

    // MARK: The rollouts' actions as the deployment's

    private mutating func canaryActions(_ actions: [CanaryRollout.Action], answering id: Int?) -> [Action] {
        guard let instance else { return [] }
        var mapped: [Action] = []
        var refusal: String?
        for action in actions {
            switch action {
            case .setWeight(let weight): mapped.append(.routeSplit(canary: upstreams, baseline: baseline, weight: weight))
            case .openWindow: mapped.append(.openWindow)
            case .wake(let at): mapped.append(.wake(at: at))
            case .collectWindow: mapped.append(.collectWindow(canary: instance.releaseID))
            case .runCheck(let context):
                if let release { mapped.append(.runRolloutCheck(context, release: release)) }
            case .stepEnded(let result): mapped.append(.recordRolloutStep(result, canary: instance.releaseID))
            case .refuse(let sentence): refusal = sentence
            case .finish(.promoted): mapped += promoteRollout(steps: canary?.status.steps ?? 0)
            case .finish(.aborted(let reason, _)): mapped += abortRollout(reason: reason, stage: .rollout)
            }
        }
        return answered(mapped, id: id, refusal: refusal)
    }

    private mutating func blueGreenActions(_ actions: [BlueGreenRollout.Action], answering id: Int?) -> [Action] {
        var mapped: [Action] = []
        var refusal: String?
        for action in actions {
            switch action {
            case .wake(let at): mapped.append(.wake(at: at))
            case .switchAll, .discardPreview: break  // the finish that follows says which
            case .refuse(let sentence): refusal = sentence
            case .finish(.promoted): mapped += promoteRollout(steps: 1)
            case .finish(.aborted(let reason, _)): mapped += abortRollout(reason: reason, stage: .rollout)
            }
        }
        return answered(mapped, id: id, refusal: refusal)
    }

    /// The command's answer goes before the one action that answers with an event (it must stay last).
    func answered(_ actions: [Action], id: Int?, refusal: String?) -> [Action] {
        guard let id else { return actions }
        var actions = actions
        let answer = Action.answerRollout(id: id, refusal: refusal)
        if let last = actions.last, last.answersWithEvent {
            actions.insert(answer, at: actions.count - 1)
        } else {
            actions.append(answer)
        }
        return actions
    }

    /// The rollout promoted the release: the switch makes it the only one, as a plain deploy's does.
    private mutating func promoteRollout(steps: Int) -> [Action] {
        phase = .switching
        let how = rolloutStrategy == .blueGreen ? "promoted from its preview" : "promoted after \(steps) step\(steps == 1 ? "" : "s")"
        // Supervision of the release that served stops before the switch replaces it.
        return [.endStage(.rollout, .succeeded, "release \(release?.id ?? "-") \(how)"),
                .beginStage(.switch), .claimRoute]
    }

    /// Traffic back on what served before (the canary's weight is 0 already), the new release
    /// drained, then stopped.
    private mutating func abortRollout(reason: String, stage: Stage) -> [Action] {
        phase = .abortingRollout
        rolloutFailure = reason
        rolloutFailedStage = stage
        return [.endStage(.rollout, .failed, reason), .beginStage(.rollback), .claimRoute]
    }
}

extension DeploymentMachine.Action {
    /// Whether the driver answers this action with an event of its own (then it comes last).
    var answersWithEvent: Bool {
        switch self {
        case .export, .copyArtifact, .runCheck, .publish, .saveRelease, .claimRoute, .probeWarm, .start, .probe, .fetchLogTail,
             .switchTraffic, .runSmokeTest, .checkAlive, .drain, .prune, .notify, .collectWindow, .runRolloutCheck,
             .restartRelease:
            true
        default:
            false
        }
    }
}
