import SlipwayModel

extension CanaryRollout {
    /// Where the canary is, for `slipway rollout SERVICE` and the API.
    package var status: RolloutStatus {
        var status = RolloutStatus(strategy: .canary, phase: .ready, step: step, steps: config.steps.count,
                                   weight: weight, startedAt: startedAt, lastVerdict: lastVerdict)
        switch state {
        case .ready:
            break
        case .window(let window):
            status.phase = window.waitedForRequests ? .waitingForRequests : .analysing
            status.windowStartedAt = window.openedAt
        case .checking:
            status.phase = .checking
        case .betweenSteps(let until):
            status.phase = .pausedBetweenSteps
            status.until = until
        case .awaitingPromotion:
            status.phase = .awaitingPromotion
        case .paused(let by, _):
            status.phase = .paused
            status.pausedBy = by
        case .inconclusive:
            status.phase = .inconclusive
        case .finished(let outcome):
            status.phase = .finished
            status.outcome = outcome
        }
        return status
    }
}
