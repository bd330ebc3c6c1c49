import Foundation

/// What a progressive rollout did, on its deployment's record: each step with its share of
/// traffic, when it ran, what each release saw in its window and the verdict that ended it.
package struct RolloutRecord: Sendable, Equatable, Codable {
    package var strategy: Strategy
    package var steps: [RolloutStepRecord]
    /// Why it ended as it did: "promoted after 3 steps", the verdict or the person that stopped it.
    package var conclusion: String?

    package init(strategy: Strategy, steps: [RolloutStepRecord] = [], conclusion: String? = nil) {
        self.strategy = strategy
        self.steps = steps
        self.conclusion = conclusion
    }
}

/// One step of a rollout: a canary's weight for at least one analysis window, or blue-green's
/// preview until its promotion.
package struct RolloutStepRecord: Sendable, Equatable, Codable {
    /// 0-based.
    package var index: Int
    /// Percent of production requests sent to the new release.
    package var weight: Int
    package var startedAt: Date
    package var endedAt: Date?
    package var canary: ReleaseFigures?
    /// The release serving before, over the same window; nil without one.
    package var baseline: ReleaseFigures?
    package var verdict: AnalysisVerdict?
    /// What else decided the step: "promoted by alice", "inconclusive: …", a check's output.
    package var note: String?

    package init(index: Int, weight: Int, startedAt: Date, endedAt: Date? = nil, canary: ReleaseFigures? = nil,
                 baseline: ReleaseFigures? = nil, verdict: AnalysisVerdict? = nil, note: String? = nil) {
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

/// One release's requests in one window, summed up for people: counts, error rate and latency
/// quantiles (milliseconds), without the histogram.
package struct ReleaseFigures: Sendable, Equatable, Codable {
    package var release: String
    package var requests: Int
    /// 5xx answers and requests it never answered.
    package var errors: Int
    package var errorRate: Double
    package var p50Milliseconds: Double?
    package var p95Milliseconds: Double?
    package var p99Milliseconds: Double?

    package init(release: String, _ stats: WindowStats) {
        self.release = release
        self.requests = stats.requests
        self.errors = stats.errors
        self.errorRate = stats.errorRate
        self.p50Milliseconds = stats.latency.quantileMicroseconds(0.50).map { $0 / 1000 }
        self.p95Milliseconds = stats.latency.quantileMicroseconds(0.95).map { $0 / 1000 }
        self.p99Milliseconds = stats.latency.quantileMicroseconds(0.99).map { $0 / 1000 }
    }
}
