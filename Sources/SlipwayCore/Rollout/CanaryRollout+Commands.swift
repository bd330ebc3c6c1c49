import SlipwayModel

/// What a person may do to a canary: pause and resume it, move it on (after a manual pause, an
/// inconclusive step, or with the window judged now), send everything to it, or abort it.
extension CanaryRollout {
    mutating func handle(_ command: RolloutCommand, at now: Duration, actor: String, reason: String?) -> [Action] {
        if case .finished(let outcome) = state { return [.refuse(outcome.refusing(command))] }
        switch command {
        case .abort:
            return abort(reason: RolloutOutcome.abortedBy(actor, reason), verdict: nil,
                         ended: unendedStep(at: now, note: "aborted by \(actor)"))
        case .promoteSkippingAnalysis:
            return promoteSkippingAnalysis(at: now, actor: actor, reason: reason)
        case .pause:
            return pause(by: actor)
        case .resume:
            return resume(at: now)
        case .promote:
            return promote(at: now, actor: actor)
        }
    }

    private mutating func pause(by actor: String) -> [Action] {
        switch state {
        case .window:
            // A collection on its way is dropped with the window: resume opens a fresh one.
            state = .paused(by: actor, betweenStepsUntil: nil)
            return []
        case .betweenSteps(let until):
            state = .paused(by: actor, betweenStepsUntil: until)
            return []
        case .paused(let by, _):
            return [.refuse("already paused by \(by): resume to go on, promote to take the next step, or abort")]
        case .awaitingPromotion:
            return [.refuse("already waiting: \(stepName) passed and pause: manual waits for promote; promote to go on, or abort")]
        case .inconclusive:
            return [.refuse("already waiting: \(stepName) was inconclusive; promote to take the next step anyway, or abort")]
        case .checking:
            return [.refuse("the check of \(stepName) is running: pause once it has ended, or abort now")]
        case .ready:
            return [.refuse("the rollout has not begun: nothing to pause yet; abort to cancel it")]
        case .finished:
            return []
        }
    }

    private mutating func resume(at now: Duration) -> [Action] {
        switch state {
        case .paused(_, nil):
            // The step starts again: requests seen before the pause are not judged.
            return openWindow(at: now)
        case .paused(_, let until?):
            guard now < until else { return startStep(step + 1, at: now) }
            state = .betweenSteps(until: until)
            return [.wake(at: until)]
        case .awaitingPromotion:
            return [.refuse("nothing to resume: \(stepName) passed and pause: manual waits for promote; promote to go on")]
        case .inconclusive:
            return [.refuse("nothing to resume: \(stepName) was inconclusive; promote to take the next step anyway, or abort")]
        case .ready:
            return [.refuse("the rollout has not begun: nothing to resume")]
        case .window, .checking, .betweenSteps:
            return [.refuse("nothing to resume: the rollout is not paused (\(stepName) is under way)")]
        case .finished:
            return []
        }
    }

    private mutating func promote(at now: Duration, actor: String) -> [Action] {
        switch state {
        case .window(var window):
            window.promotedBy = actor
            let collecting = window.deadline == nil
            window.deadline = nil
            state = .window(window)
            // Already collecting: that collection is judged as this promotion.
            return collecting ? [] : [.collectWindow]
        case .paused(let by, nil):
            let note = "promoted by \(actor) while paused by \(by), its window not judged"
            return [.stepEnded(RolloutStepResult(index: step, weight: weight, startedAt: stepStartedAt, endedAt: now, note: note))]
                + startStep(step + 1, at: now)
        case .paused(_, .some), .betweenSteps, .awaitingPromotion, .inconclusive:
            return startStep(step + 1, at: now)
        case .checking:
            return [.refuse("the check of \(stepName) is running and decides: promote once it has passed, or abort")]
        case .ready:
            return [.refuse("the rollout has not begun: nothing to promote yet")]
        case .finished:
            return []
        }
    }

    /// Everything to the new release now. The reason goes on the record with the actor: on the
    /// step cut short, or, between steps (the last step had ended), on a zero-length entry for the
    /// step at 100%.
    private mutating func promoteSkippingAnalysis(at now: Duration, actor: String, reason: String?) -> [Action] {
        guard let reason, !reason.allSatisfy(\.isWhitespace) else {
            return [.refuse("promote skipping analysis needs a reason: it is recorded with your name")]
        }
        if case .ready = state { return [.refuse("the rollout has not begun: nothing to promote yet")] }
        let note = "promoted to 100% skipping analysis by \(actor): \(reason)"
        let ended = unendedStep(at: now, note: note)
            ?? RolloutStepResult(index: max(config.steps.count - 1, 0), weight: 100, startedAt: now, endedAt: now, note: note)
        weight = 100
        return [.setWeight(100), .stepEnded(ended), finish(.promoted)]
    }

    /// The record of the current step when it had not ended yet (its window open, or paused).
    private func unendedStep(at now: Duration, note: String) -> RolloutStepResult? {
        switch state {
        case .window, .paused(_, nil):
            RolloutStepResult(index: step, weight: weight, startedAt: stepStartedAt, endedAt: now, note: note)
        default:
            nil
        }
    }
}
