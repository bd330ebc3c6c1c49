/// One ended step of a canary, for the rollout's record: what it measured, what was decided, and
/// what a person did. Times are the rollout clock's readings (a monotonic duration since an
/// arbitrary origin), as every rollout event carries them.
package struct RolloutStepResult: Sendable, Equatable, Codable {
    /// 0-based, in `canary.steps`.
    package var index: Int
    /// Percent of requests the canary took during the step.
    package var weight: Int
    package var startedAt: Duration
    package var endedAt: Duration
    /// The last window's figures; nil when the step ended unjudged (promoted while paused, aborted).
    package var canary: WindowStats?
    package var baseline: WindowStats?
    package var verdict: AnalysisVerdict?
    /// What the figures do not say: "promoted by alice", "inconclusive: 12 requests < 50 after 2m".
    package var note: String?

    package init(index: Int, weight: Int, startedAt: Duration, endedAt: Duration, canary: WindowStats? = nil,
                 baseline: WindowStats? = nil, verdict: AnalysisVerdict? = nil, note: String? = nil) {
        self.index = index
        self.weight = weight
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.canary = canary
        self.baseline = baseline
        self.verdict = verdict
        self.note = note
    }
}
