/// A one-sided Mann-Whitney U test (alternative: the canary's latencies are greater).
package struct MannWhitneyFigures: Sendable, Equatable, Codable {
    package enum Method: String, Sendable, Codable {
        /// The exact distribution of U (small samples without ties).
        case exact
        /// The normal approximation with tie and continuity corrections.
        case asymptotic
    }

    /// U of the canary's sample: the pairs (canary, baseline) where the canary's latency is the
    /// greater, ties counting half (scipy's `statistic`).
    package var u: Double
    package var p: Double
    /// The common-language effect size U / (n₁·n₂): the chance that a canary request is slower
    /// than a baseline one (ties half). 0.5: no difference.
    package var effectSize: Double
    package var method: Method

    package init(u: Double, p: Double, effectSize: Double, method: Method) {
        self.u = u
        self.p = p
        self.effectSize = effectSize
        self.method = method
    }
}
