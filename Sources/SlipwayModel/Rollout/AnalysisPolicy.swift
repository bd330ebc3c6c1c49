/// A canary's `analysis:` settings: when a window has enough requests for a verdict and what fails
/// it. A rule left nil is not checked. `CanaryAnalysis` (Core) applies it.
///
/// ```yaml
/// analysis:
///   min_requests: 50
///   error_rate: { relative: 0.5, floor: 0.01 }
///   latency_p95: { max_ratio: 2.0 }
///   test: mann_whitney
///   slo: { error_rate: 0.01, latency_p95: 300ms }
/// ```
package struct AnalysisPolicy: Sendable, Equatable {
    /// Requests a release must have seen in the window: fewer on the canary's side and the step
    /// waits; fewer on the baseline's and the canary is judged by `slo` instead.
    package var minRequests: Int
    package var errorRate: ErrorRateRule?
    package var latencyP95: LatencyRule?
    package var mannWhitney: MannWhitneyRule?
    /// Absolute limits, used only when there is no usable baseline.
    package var slo: SLO?

    /// Fails when the canary's error rate is above the baseline's × (1 + `relative`) *and* above
    /// `floor`: the floor keeps a baseline with no errors from failing a canary over one 5xx.
    package struct ErrorRateRule: Sendable, Equatable {
        package var relative: Double
        package var floor: Double

        package init(relative: Double = 0.5, floor: Double = 0.01) {
            self.relative = relative
            self.floor = floor
        }
    }

    /// Fails when the canary's p95 latency is above the baseline's × `maxRatio`.
    package struct LatencyRule: Sendable, Equatable {
        package var maxRatio: Double

        package init(maxRatio: Double = 2.0) {
            self.maxRatio = maxRatio
        }
    }

    /// `test: mann_whitney`: fails when a one-sided Mann-Whitney U test finds the canary's
    /// latencies greater than the baseline's with p < `alpha`.
    package struct MannWhitneyRule: Sendable, Equatable {
        package var alpha: Double

        package init(alpha: Double = 0.05) {
            self.alpha = alpha
        }
    }

    /// `slo:` limits for a canary without a usable baseline (a first release, or a baseline that
    /// saw fewer than `minRequests`): each set limit is a rule.
    package struct SLO: Sendable, Equatable {
        package var errorRate: Double?
        package var latencyP95: Duration?

        package init(errorRate: Double? = nil, latencyP95: Duration? = nil) {
            self.errorRate = errorRate
            self.latencyP95 = latencyP95
        }
    }

    /// The defaults of an `analysis:` that says nothing but the strategy: 50 requests, error rate
    /// relative 0.5 with a 1% floor, p95 at most 2× the baseline's, no U test, no SLO.
    package init(minRequests: Int = 50,
                 errorRate: ErrorRateRule? = ErrorRateRule(),
                 latencyP95: LatencyRule? = LatencyRule(),
                 mannWhitney: MannWhitneyRule? = nil,
                 slo: SLO? = nil) {
        self.minRequests = minRequests
        self.errorRate = errorRate
        self.latencyP95 = latencyP95
        self.mannWhitney = mannWhitney
        self.slo = slo
    }
}
