import SlipwayModel

/// The verdict on one analysis window of a canary: pure, so every rule is tested at its
/// boundaries without a proxy or a clock. The rollout calls it at the end of each window with what
/// the proxy measured of the canary and of the baseline (the release it replaces, same window).
///
/// - Fewer than `minRequests` canary requests: `wait`, no rule applied.
/// - A baseline with at least `minRequests` requests: the canary is compared with it (each
///   configured rule: error rate, p95, the U test).
/// - Otherwise (a first release, a baseline that saw too few): the `slo:` limits, each set one a
///   rule; with no `slo:` nothing can judge the canary and it passes, the reason saying so.
///
/// A figure exactly at its threshold passes: a rule fails only when the canary is *above* it.
package struct CanaryAnalysis: Sendable {
    package var policy: AnalysisPolicy

    package init(policy: AnalysisPolicy) {
        self.policy = policy
    }

    package func verdict(canary: WindowStats, baseline: WindowStats?) -> AnalysisVerdict {
        guard canary.requests >= policy.minRequests else {
            return AnalysisVerdict(
                decision: .wait, comparison: .none,
                reason: "canary saw \(canary.requests) \(requestsWord(canary.requests)), fewer than min_requests \(policy.minRequests)",
                canaryRequests: canary.requests, baselineRequests: baseline?.requests, rules: [])
        }
        if let baseline, baseline.requests >= policy.minRequests {
            let rules = againstBaseline(canary: canary, baseline: baseline)
            return conclude(rules, comparison: .baseline, preface: nil, canary: canary, baseline: baseline)
        }
        let why = baseline.map { "baseline saw \($0.requests) \(requestsWord($0.requests)), fewer than min_requests \(policy.minRequests)" }
            ?? "no baseline"
        let rules = againstSLO(canary: canary)
        guard !rules.isEmpty else {
            return AnalysisVerdict(
                decision: .pass, comparison: .none,
                reason: "\(why) and no slo set: nothing to judge the canary by over \(canary.requests) requests",
                canaryRequests: canary.requests, baselineRequests: baseline?.requests, rules: [])
        }
        return conclude(rules, comparison: .slo, preface: why, canary: canary, baseline: baseline)
    }

    /// A failed rule fails the verdict; the reason quotes the failed rules, or every rule on a pass.
    private func conclude(_ rules: [RuleResult], comparison: AnalysisVerdict.Comparison, preface: String?,
                          canary: WindowStats, baseline: WindowStats?) -> AnalysisVerdict {
        let failed = rules.filter { $0.outcome == .failed }
        let quoted = (failed.isEmpty ? rules : failed).map(\.reason).joined(separator: "; ")
        return AnalysisVerdict(
            decision: failed.isEmpty ? .pass : .fail, comparison: comparison,
            reason: preface.map { "\($0): \(quoted)" } ?? quoted,
            canaryRequests: canary.requests, baselineRequests: baseline?.requests, rules: rules)
    }

    // MARK: - Against the baseline

    private func againstBaseline(canary: WindowStats, baseline: WindowStats) -> [RuleResult] {
        var rules: [RuleResult] = []
        if let rule = policy.errorRate { rules.append(errorRate(rule, canary: canary, baseline: baseline)) }
        if let rule = policy.latencyP95 { rules.append(latencyP95(rule, canary: canary.latency, baseline: baseline.latency)) }
        if let rule = policy.mannWhitney { rules.append(mannWhitney(rule, canary: canary.latency, baseline: baseline.latency)) }
        return rules
    }

    /// Fails when canary > baseline × (1 + relative) and canary > floor. Compared as products of
    /// counts (c/n > k·b/m ⟺ c·m > k·b·n), so a rate exactly at the limit is not lost to rounding.
    func errorRate(_ rule: AnalysisPolicy.ErrorRateRule, canary: WindowStats, baseline: WindowStats) -> RuleResult {
        let factor = 1 + rule.relative
        let overRelative = Double(canary.errors) * Double(baseline.requests)
            > factor * Double(baseline.errors) * Double(canary.requests)
        let overFloor = Double(canary.errors) > rule.floor * Double(canary.requests)
        let failed = overRelative && overFloor
        let rate = AnalysisText.percent(canary.errorRate)
        let relative = "baseline \(AnalysisText.percent(baseline.errorRate)) × \(AnalysisText.number(factor))"
        let floor = "\(AnalysisText.percent(rule.floor)) floor"
        let over = "over \(canary.requests) requests"
        let reason: String
        if failed {
            reason = "canary error rate \(rate) > \(relative) and > \(floor) \(over)"
        } else if !overFloor {
            reason = "canary error rate \(rate) ≤ \(floor) \(over) (\(relative))"
        } else {
            reason = "canary error rate \(rate) ≤ \(relative) \(over)"
        }
        return RuleResult(rule: .errorRate, outcome: failed ? .failed : .passed,
                          canary: canary.errorRate, baseline: baseline.errorRate,
                          threshold: max(baseline.errorRate * factor, rule.floor), factor: factor, floor: rule.floor,
                          canarySamples: canary.requests, baselineSamples: baseline.requests, reason: reason)
    }

    /// Fails when the canary's p95 > the baseline's × maxRatio.
    func latencyP95(_ rule: AnalysisPolicy.LatencyRule, canary: LatencyHistogram, baseline: LatencyHistogram) -> RuleResult {
        guard let ours = canary.quantileMicroseconds(0.95), let theirs = baseline.quantileMicroseconds(0.95) else {
            return RuleResult(rule: .latencyP95, outcome: .skipped, factor: rule.maxRatio,
                              canarySamples: canary.count, baselineSamples: baseline.count,
                              reason: "p95 not compared: no latency measured on the \(canary.isEmpty ? "canary" : "baseline")'s side")
        }
        let limit = theirs * rule.maxRatio
        let failed = ours > limit
        let reason = "canary p95 \(AnalysisText.latency(ours)) \(failed ? ">" : "≤") baseline p95 \(AnalysisText.latency(theirs))"
            + " × \(AnalysisText.number(rule.maxRatio)) over \(canary.count) requests"
        return RuleResult(rule: .latencyP95, outcome: failed ? .failed : .passed,
                          canary: ours / 1000, baseline: theirs / 1000, threshold: limit / 1000, factor: rule.maxRatio,
                          canarySamples: canary.count, baselineSamples: baseline.count, reason: reason)
    }

    /// Fails when the canary's latencies are greater than the baseline's, one-sided, p < alpha. The
    /// samples are the histograms' buckets, so latencies within one bucket (1.6%) are ties.
    func mannWhitney(_ rule: AnalysisPolicy.MannWhitneyRule, canary: LatencyHistogram, baseline: LatencyHistogram) -> RuleResult {
        guard let result = MannWhitney.greater(binned: canary.bins, baseline.bins) else {
            return RuleResult(rule: .mannWhitney, outcome: .skipped, threshold: rule.alpha,
                              canarySamples: canary.count, baselineSamples: baseline.count,
                              reason: "latencies not tested: none measured on the \(canary.isEmpty ? "canary" : "baseline")'s side")
        }
        let failed = result.p < rule.alpha
        let figures = "Mann-Whitney U \(AnalysisText.number(result.u)), p \(AnalysisText.probability(result.p))"
            + " \(failed ? "<" : "≥") \(AnalysisText.number(rule.alpha)),"
            + " P(canary slower) \(AnalysisText.fixed(result.effectSize, decimals: 2))"
        let reason = "canary latencies \(failed ? "greater than" : "not greater than") baseline's (\(figures))"
            + " over \(canary.count) and \(baseline.count) requests"
        return RuleResult(rule: .mannWhitney, outcome: failed ? .failed : .passed,
                          canary: canary.quantileMicroseconds(0.5).map { $0 / 1000 },
                          baseline: baseline.quantileMicroseconds(0.5).map { $0 / 1000 },
                          threshold: rule.alpha, canarySamples: canary.count, baselineSamples: baseline.count,
                          test: result.figures, reason: reason)
    }

    // MARK: - Against the SLO

    private func againstSLO(canary: WindowStats) -> [RuleResult] {
        guard let slo = policy.slo else { return [] }
        var rules: [RuleResult] = []
        if let limit = slo.errorRate {
            let failed = Double(canary.errors) > limit * Double(canary.requests)
            rules.append(RuleResult(
                rule: .sloErrorRate, outcome: failed ? .failed : .passed, canary: canary.errorRate, threshold: limit,
                canarySamples: canary.requests,
                reason: "canary error rate \(AnalysisText.percent(canary.errorRate)) \(failed ? ">" : "≤") slo \(AnalysisText.percent(limit)) over \(canary.requests) requests"))
        }
        if let limit = slo.latencyP95 {
            let (seconds, attoseconds) = limit.components
            let limitMicroseconds = Double(seconds) * 1_000_000 + Double(attoseconds) / 1_000_000_000_000
            if let ours = canary.latency.quantileMicroseconds(0.95) {
                let failed = ours > limitMicroseconds
                rules.append(RuleResult(
                    rule: .sloLatencyP95, outcome: failed ? .failed : .passed, canary: ours / 1000, threshold: limitMicroseconds / 1000,
                    canarySamples: canary.latency.count,
                    reason: "canary p95 \(AnalysisText.latency(ours)) \(failed ? ">" : "≤") slo \(AnalysisText.latency(limitMicroseconds)) over \(canary.latency.count) requests"))
            } else {
                rules.append(RuleResult(
                    rule: .sloLatencyP95, outcome: .skipped, threshold: limitMicroseconds / 1000, canarySamples: 0,
                    reason: "p95 not compared: no latency measured on the canary's side"))
            }
        }
        return rules
    }

    private func requestsWord(_ count: Int) -> String { count == 1 ? "request" : "requests" }
}
