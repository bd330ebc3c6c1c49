/// What the analysis of one canary window decided, with everything it decided from: each rule's
/// figures on both sides, its threshold and sample sizes, so a person reading the record sees why a
/// canary was stopped or let through without another tool. Rollout records carry it per step.
package struct AnalysisVerdict: Sendable, Equatable, Codable {
    package enum Decision: String, Sendable, Codable {
        /// Every rule passed: the rollout may take its next step.
        case pass
        /// Too few canary requests for a verdict: the step goes on.
        case wait
        /// A rule failed: the canary is aborted.
        case fail
    }

    /// What the canary was compared with.
    package enum Comparison: String, Sendable, Codable {
        /// The baseline release in the same window.
        case baseline
        /// The absolute `slo:` limits: no baseline, or one that saw too few requests.
        case slo
        /// Nothing: the canary waited, or had no usable baseline and no `slo:` was set.
        case none
    }

    package var decision: Decision
    package var comparison: Comparison
    /// One line, e.g. `canary error rate 19.8% > baseline 0.1% × 1.5 and > 1% floor over 412 requests`.
    package var reason: String
    package var canaryRequests: Int
    /// Absent when there was no baseline release in the window.
    package var baselineRequests: Int?
    package var rules: [RuleResult]

    package init(decision: Decision, comparison: Comparison, reason: String,
                 canaryRequests: Int, baselineRequests: Int?, rules: [RuleResult]) {
        self.decision = decision
        self.comparison = comparison
        self.reason = reason
        self.canaryRequests = canaryRequests
        self.baselineRequests = baselineRequests
        self.rules = rules
    }
}

/// One rule applied to one window. Error rates are fractions (0.198 for 19.8%), latencies
/// milliseconds.
package struct RuleResult: Sendable, Equatable, Codable {
    package enum Rule: String, Sendable, Codable {
        case errorRate = "error_rate"
        case latencyP95 = "latency_p95"
        case mannWhitney = "mann_whitney"
        case sloErrorRate = "slo_error_rate"
        case sloLatencyP95 = "slo_latency_p95"
    }

    package enum Outcome: String, Sendable, Codable {
        case passed, failed
        /// Could not be applied (no latency was measured on a side); does not fail the canary.
        case skipped
    }

    package var rule: Rule
    package var outcome: Outcome
    /// The canary's figure: its error rate, its p95 (ms); the U test: its median (ms).
    package var canary: Double?
    /// The baseline's figure, as `canary`; absent under an SLO.
    package var baseline: Double?
    /// The limit the canary's figure is compared with: above it fails (error rate: the larger of
    /// baseline × factor and the floor; latency: baseline × factor; SLO: the SLO). The U test:
    /// alpha, which its p must not be below.
    package var threshold: Double?
    /// error rate: 1 + relative; latency: max_ratio.
    package var factor: Double?
    /// error rate: its floor.
    package var floor: Double?
    /// Requests (error rates) or latencies (latency rules, the U test) on each side.
    package var canarySamples: Int
    package var baselineSamples: Int?
    package var test: MannWhitneyFigures?
    /// One line, as the verdict's reason quotes it.
    package var reason: String

    package init(rule: Rule, outcome: Outcome, canary: Double? = nil, baseline: Double? = nil,
                 threshold: Double? = nil, factor: Double? = nil, floor: Double? = nil,
                 canarySamples: Int, baselineSamples: Int? = nil,
                 test: MannWhitneyFigures? = nil, reason: String) {
        self.rule = rule
        self.outcome = outcome
        self.canary = canary
        self.baseline = baseline
        self.threshold = threshold
        self.factor = factor
        self.floor = floor
        self.canarySamples = canarySamples
        self.baselineSamples = baselineSamples
        self.test = test
        self.reason = reason
    }
}
