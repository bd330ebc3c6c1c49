import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// A window: `requests` in all, `errors` of them 5xx, every answered one taking `latency`.
private func window(_ requests: Int, errors: Int = 0, failures: Int = 0, latency: Duration = .milliseconds(100)) -> WindowStats {
    var stats = WindowStats()
    for index in 0..<(requests - failures) { stats.record(status: index < errors ? 500 : 200, latency: latency) }
    for _ in 0..<failures { stats.recordUpstreamFailure() }
    return stats
}

/// A window whose latencies are `latency(i)` for request i (all answered 200).
private func window(_ requests: Int, latency: (Int) -> Duration) -> WindowStats {
    var stats = WindowStats()
    for index in 0..<requests { stats.record(status: 200, latency: latency(index)) }
    return stats
}

private let errorsOnly = AnalysisPolicy(errorRate: .init(relative: 0.5, floor: 0.01), latencyP95: nil)
private let latencyOnly = AnalysisPolicy(errorRate: nil, latencyP95: .init(maxRatio: 2))

@Suite struct CanaryAnalysisTests {
    // MARK: Waiting

    @Test func waitsUntilTheCanarySawMinRequests() {
        let analysis = CanaryAnalysis(policy: AnalysisPolicy(minRequests: 50))
        let short = analysis.verdict(canary: window(49, errors: 49), baseline: window(1000))
        #expect(short.decision == .wait)
        #expect(short.comparison == .none)
        #expect(short.rules.isEmpty)
        #expect(short.reason == "canary saw 49 requests, fewer than min_requests 50")
        #expect(short.baselineRequests == 1000)
        #expect(analysis.verdict(canary: window(50, errors: 49), baseline: window(1000)).decision == .fail)
        #expect(analysis.verdict(canary: window(1), baseline: nil).reason == "canary saw 1 request, fewer than min_requests 50")
    }

    // MARK: Error rate

    @Test func theIssuesExampleReadsAsTheIssueWritesIt() throws {
        let verdict = CanaryAnalysis(policy: AnalysisPolicy()).verdict(canary: window(500, errors: 99), baseline: window(1000, errors: 1))
        #expect(verdict.decision == .fail)
        #expect(verdict.comparison == .baseline)
        #expect(verdict.reason == "canary error rate 19.8% > baseline 0.1% × 1.5 and > 1% floor over 500 requests")
        let rule = try #require(verdict.rules.first { $0.rule == .errorRate })
        #expect(rule.outcome == .failed)
        #expect(rule.canary == 0.198 && rule.baseline == 0.001)
        #expect(rule.threshold == 0.01 && rule.factor == 1.5 && rule.floor == 0.01)
        #expect(rule.canarySamples == 500 && rule.baselineSamples == 1000)
        #expect(verdict.rules.first { $0.rule == .latencyP95 }?.outcome == .passed)
    }

    @Test(arguments: [
        // canary errors/requests, baseline errors/requests (2%: the limit is 3%, above the floor)
        (300, 10_000, 200, 10_000, RuleResult.Outcome.passed),   // exactly 2% × 1.5
        (301, 10_000, 200, 10_000, .failed),                     // just above
        (299, 10_000, 200, 10_000, .passed),                     // just below
        (31, 1_000, 2, 100, .failed),
    ])
    func errorRateFailsOnlyAboveBaselineTimesOnePlusRelative(canaryErrors: Int, canaryRequests: Int,
                                                             baselineErrors: Int, baselineRequests: Int,
                                                             expected: RuleResult.Outcome) throws {
        let verdict = CanaryAnalysis(policy: errorsOnly).verdict(
            canary: window(canaryRequests, errors: canaryErrors), baseline: window(baselineRequests, errors: baselineErrors))
        let rule = try #require(verdict.rules.first)
        #expect(rule.outcome == expected)
        #expect(verdict.decision == (expected == .failed ? .fail : .pass))
    }

    @Test(arguments: [
        // A baseline without errors: only the 1% floor stands between a canary and a failure.
        (100, 10_000, RuleResult.Outcome.passed),  // exactly 1%
        (101, 10_000, .failed),
        (99, 10_000, .passed),
        (1, 100, .passed),
        (2, 100, .failed),
    ])
    func theFloorKeepsAnErrorFreeBaselineFromFailingACanaryOverOneError(canaryErrors: Int, canaryRequests: Int,
                                                                      expected: RuleResult.Outcome) throws {
        let verdict = CanaryAnalysis(policy: errorsOnly).verdict(
            canary: window(canaryRequests, errors: canaryErrors), baseline: window(5_000))
        #expect(try #require(verdict.rules.first).outcome == expected)
    }

    @Test func aPassingErrorRateSaysWhichLimitItStayedUnder() {
        let analysis = CanaryAnalysis(policy: errorsOnly)
        // Above baseline × 1.5 but under the floor.
        #expect(analysis.verdict(canary: window(1000, errors: 9), baseline: window(1000, errors: 1)).reason
                == "canary error rate 0.9% ≤ 1% floor over 1000 requests (baseline 0.1% × 1.5)")
        // Above the floor but under baseline × 1.5.
        #expect(analysis.verdict(canary: window(100, errors: 14), baseline: window(100, errors: 10)).reason
                == "canary error rate 14% ≤ baseline 10% × 1.5 over 100 requests")
    }

    @Test func upstreamFailuresCountAsErrors() throws {
        let verdict = CanaryAnalysis(policy: AnalysisPolicy())
            .verdict(canary: window(100, failures: 100), baseline: window(100))
        #expect(verdict.decision == .fail)
        #expect(verdict.reason == "canary error rate 100% > baseline 0% × 1.5 and > 1% floor over 100 requests")
        // Nothing answered, so no latency to compare: skipped, which fails nothing by itself.
        let latency = try #require(verdict.rules.first { $0.rule == .latencyP95 })
        #expect(latency.outcome == .skipped)
        #expect(latency.reason == "p95 not compared: no latency measured on the canary's side")
    }

    // MARK: Latency

    @Test(arguments: [
        (200_000, RuleResult.Outcome.passed),  // exactly 2 × 100 ms
        (200_001, .failed),
        (199_999, .passed),
    ])
    func latencyFailsOnlyAboveBaselineP95TimesMaxRatio(canaryMicroseconds: Int, expected: RuleResult.Outcome) throws {
        let verdict = CanaryAnalysis(policy: latencyOnly).verdict(
            canary: window(100, latency: .microseconds(canaryMicroseconds)), baseline: window(100, latency: .milliseconds(100)))
        let rule = try #require(verdict.rules.first)
        #expect(rule.outcome == expected)
        #expect(rule.baseline == 100 && rule.threshold == 200 && rule.factor == 2)
        #expect(rule.canary == Double(canaryMicroseconds) / 1000)
    }

    @Test func aCanaryFiftyMillisecondsSlowerFailsTheLatencyRule() throws {
        // Baseline 10 ... 59 ms evenly: p95 57 ms; the canary 50 ms slower: p95 107 ms, under
        // 2 × 57 ms but over 1.5 × 57 ms.
        let baseline = window(1000) { .milliseconds(10 + $0 % 50) }
        let canary = window(200) { .milliseconds(60 + $0 % 50) }
        let lenient = CanaryAnalysis(policy: latencyOnly).verdict(canary: canary, baseline: baseline)
        #expect(lenient.decision == .pass)
        let strict = CanaryAnalysis(policy: AnalysisPolicy(errorRate: nil, latencyP95: .init(maxRatio: 1.5)))
            .verdict(canary: canary, baseline: baseline)
        #expect(strict.decision == .fail)
        let rule = try #require(strict.rules.first)
        // Histogram figures: within 1.6% of the exact 57 and 107 ms.
        #expect(abs(try #require(rule.baseline) - 57) <= 57 / 64)
        #expect(abs(try #require(rule.canary) - 107) <= 107 / 64)
        #expect(strict.reason.hasPrefix("canary p95 10"))
        #expect(strict.reason.hasSuffix(" × 1.5 over 200 requests"))
        #expect(strict.reason.contains(" > baseline p95 5"))
    }

    // MARK: Mann-Whitney

    @Test func theUTestFailsASlowerCanaryAndRecordsUPAndEffectSize() throws {
        let policy = AnalysisPolicy(errorRate: nil, latencyP95: nil, mannWhitney: .init(alpha: 0.05))
        var random = SeededNormals(seed: 99)
        let baseline = window(2000) { _ in .microseconds(Int(100_000 * exp(0.3 * random.next()))) }
        let slower = window(500) { _ in .microseconds(Int(110_000 * exp(0.3 * random.next()))) }
        let same = window(500) { _ in .microseconds(Int(100_000 * exp(0.3 * random.next()))) }

        let failed = CanaryAnalysis(policy: policy).verdict(canary: slower, baseline: baseline)
        #expect(failed.decision == .fail)
        let rule = try #require(failed.rules.first)
        let test = try #require(rule.test)
        let expected = try #require(MannWhitney.greater(binned: slower.latency.bins, baseline.latency.bins))
        #expect(test == expected.figures)
        #expect(test.p < 0.05 && test.effectSize > 0.55 && test.method == .asymptotic)
        #expect(rule.threshold == 0.05 && rule.canarySamples == 500 && rule.baselineSamples == 2000)
        #expect(failed.reason.hasPrefix("canary latencies greater than baseline's (Mann-Whitney U "))
        #expect(failed.reason.hasSuffix("over 500 and 2000 requests"))

        let passed = CanaryAnalysis(policy: policy).verdict(canary: same, baseline: baseline)
        #expect(passed.decision == .pass)
        #expect(passed.reason.hasPrefix("canary latencies not greater than baseline's"))
    }

    @Test func theUTestFailsOnlyWhenPIsBelowAlpha() throws {
        let baseline = window(100) { .milliseconds(10 + $0) }
        let canary = window(100) { .milliseconds(14 + $0) }
        let p = try #require(MannWhitney.greater(binned: canary.latency.bins, baseline.latency.bins)).p
        #expect(p > 0.01 && p < 0.5)
        func decision(alpha: Double) -> AnalysisVerdict.Decision {
            CanaryAnalysis(policy: AnalysisPolicy(errorRate: nil, latencyP95: nil, mannWhitney: .init(alpha: alpha)))
                .verdict(canary: canary, baseline: baseline).decision
        }
        #expect(decision(alpha: p) == .pass)
        #expect(decision(alpha: p.nextUp) == .fail)
    }

    // MARK: Without a baseline

    @Test func withoutABaselineTheSLOJudgesAndTheVerdictSaysSo() throws {
        let policy = AnalysisPolicy(slo: .init(errorRate: 0.01, latencyP95: .milliseconds(300)))
        let analysis = CanaryAnalysis(policy: policy)
        let first = analysis.verdict(canary: window(200, errors: 6, latency: .milliseconds(120)), baseline: nil)
        #expect(first.decision == .fail)
        #expect(first.comparison == .slo)
        #expect(first.baselineRequests == nil)
        #expect(first.reason == "no baseline: canary error rate 3% > slo 1% over 200 requests")
        #expect(first.rules.map(\.rule) == [.sloErrorRate, .sloLatencyP95])
        #expect(first.rules.allSatisfy { $0.baseline == nil && $0.baselineSamples == nil })

        let quiet = analysis.verdict(canary: window(200, errors: 2, latency: .milliseconds(120)), baseline: window(49, errors: 49))
        #expect(quiet.decision == .pass)
        #expect(quiet.comparison == .slo)
        #expect(quiet.reason == "baseline saw 49 requests, fewer than min_requests 50: canary error rate 1% ≤ slo 1% over 200 requests; canary p95 120ms ≤ slo 300ms over 200 requests")
    }

    @Test(arguments: [(300_000, AnalysisVerdict.Decision.pass), (300_001, .fail)])
    func theSLOLatencyFailsOnlyAboveIt(canaryMicroseconds: Int, expected: AnalysisVerdict.Decision) {
        let analysis = CanaryAnalysis(policy: AnalysisPolicy(slo: .init(latencyP95: .milliseconds(300))))
        #expect(analysis.verdict(canary: window(100, latency: .microseconds(canaryMicroseconds)), baseline: nil).decision == expected)
    }

    @Test func withNeitherBaselineNorSLOTheCanaryPassesAndTheVerdictSaysWhy() {
        let verdict = CanaryAnalysis(policy: AnalysisPolicy()).verdict(canary: window(100, errors: 90), baseline: nil)
        #expect(verdict.decision == .pass)
        #expect(verdict.comparison == .none)
        #expect(verdict.rules.isEmpty)
        #expect(verdict.reason == "no baseline and no slo set: nothing to judge the canary by over 100 requests")
    }

    // MARK: The record

    @Test func everyFailedRuleIsInTheReasonAndEveryRuleInTheRecord() {
        let policy = AnalysisPolicy(mannWhitney: .init())
        let verdict = CanaryAnalysis(policy: policy).verdict(
            canary: window(100, errors: 50, latency: .milliseconds(500)), baseline: window(100, latency: .milliseconds(100)))
        #expect(verdict.rules.map(\.rule) == [.errorRate, .latencyP95, .mannWhitney])
        #expect(verdict.rules.allSatisfy { $0.outcome == .failed })
        #expect(verdict.reason.components(separatedBy: "; ").count == 3)
        #expect(verdict.reason.hasPrefix("canary error rate 50% > baseline 0% × 1.5 and > 1% floor over 100 requests; canary p95 500ms > baseline p95 100ms × 2 over 100 requests; canary latencies greater than baseline's (Mann-Whitney U 10000, p "))
    }

    @Test func aVerdictEncodesAsRecordsDocumentIt() throws {
        let verdict = CanaryAnalysis(policy: AnalysisPolicy(latencyP95: nil))
            .verdict(canary: window(200, errors: 10), baseline: window(400, errors: 2))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(verdict), as: UTF8.self)
        #expect(json == #"{"baselineRequests":400,"canaryRequests":200,"comparison":"baseline","decision":"fail","reason":"canary error rate 5% > baseline 0.5% × 1.5 and > 1% floor over 200 requests","rules":[{"baseline":0.005,"baselineSamples":400,"canary":0.05,"canarySamples":200,"factor":1.5,"floor":0.01,"outcome":"failed","reason":"canary error rate 5% > baseline 0.5% × 1.5 and > 1% floor over 200 requests","rule":"error_rate","threshold":0.01}]}"#)
        #expect(try JSONDecoder().decode(AnalysisVerdict.self, from: Data(json.utf8)) == verdict)
    }
}
