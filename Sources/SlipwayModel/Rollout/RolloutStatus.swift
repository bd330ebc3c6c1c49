/// Where a rollout is, as `slipway rollout SERVICE` will show it: one shape for the three
/// strategies, each filling what it has.
///
/// The phase is a plain name and the time it waits for is a field of its own (`until`), rather
/// than an enum with payloads, so the JSON reads `"phase": "paused_between_steps"` and a client
/// switches on one string.
package struct RolloutStatus: Sendable, Equatable, Codable {
    package enum Phase: String, Sendable, Equatable, Codable, CaseIterable {
        /// Not begun yet.
        case ready
        /// Canary: a window is open and will be judged at its end.
        case analysing
        /// Canary: the last look found too few canary requests; the same window goes on.
        case waitingForRequests = "waiting_for_requests"
        /// Canary: the step passed and its `run` check is running.
        case checking
        /// Canary: the step passed; the next begins at `until`.
        case pausedBetweenSteps = "paused_between_steps"
        /// Canary: the step passed and `pause: manual` waits for `promote`.
        case awaitingPromotion = "awaiting_promotion"
        /// Held by a person's `pause` (`pausedBy`).
        case paused
        /// Canary: the step waited `max_wait` without enough requests to judge; a person decides.
        case inconclusive
        /// Blue-green: the new release is reachable only on its preview route; it switches at
        /// `until` when `auto_switch` is set, else on `promote`.
        case previewing
        /// Rolling: instances are being replaced.
        case replacing
        /// Ended: see `outcome`.
        case finished
    }

    package var strategy: Strategy
    package var phase: Phase
    /// 0-based. Canary: the step in `steps`; blue-green: 0 of 1; rolling: new instances in the pool.
    package var step: Int
    /// Canary: steps configured; blue-green: 1; rolling: `replicas`.
    package var steps: Int
    /// Percent of production requests the new release takes. Rolling: its share of the pool, which
    /// is its share of requests when the pool is balanced evenly.
    package var weight: Int
    /// When the rollout began, on the rollout's clock.
    package var startedAt: Duration?
    /// When the wait of the phase ends (the pause between steps, blue-green's auto switch).
    package var until: Duration?
    /// When the canary's open window began.
    package var windowStartedAt: Duration?
    package var lastVerdict: AnalysisVerdict?
    /// Who paused the rollout, while `phase` is `paused`.
    package var pausedBy: String?
    package var outcome: RolloutOutcome?

    package init(strategy: Strategy, phase: Phase, step: Int, steps: Int, weight: Int, startedAt: Duration? = nil,
                 until: Duration? = nil, windowStartedAt: Duration? = nil, lastVerdict: AnalysisVerdict? = nil,
                 pausedBy: String? = nil, outcome: RolloutOutcome? = nil) {
        self.strategy = strategy
        self.phase = phase
        self.step = step
        self.steps = steps
        self.weight = weight
        self.startedAt = startedAt
        self.until = until
        self.windowStartedAt = windowStartedAt
        self.lastVerdict = lastVerdict
        self.pausedBy = pausedBy
        self.outcome = outcome
    }
}
