import SlipwayModel

/// `canary:` of a service: its steps and their timing, and the `analysis:` that judges each step.
/// Every key left out keeps the default `CanaryConfig` and `AnalysisPolicy` give it.
struct CanaryDecoder {
    let reader: ConfigReader

    static let keys = ConfigSchema.canary.keyNames
    static let analysisKeys = ConfigSchema.analysis.keyNames
    static let errorRateKeys = ConfigSchema.errorRate.keyNames
    static let latencyKeys = ConfigSchema.latency.keyNames
    static let sloKeys = ConfigSchema.slo.keyNames

    func decode(_ node: ConfigNode) -> CanaryConfig {
        var canary = CanaryConfig()
        guard let fields = reader.mapping(node, keys: Self.keys) else { return canary }
        if let steps = fields["steps"].flatMap(steps) { canary.steps = steps }
        // Nil when written wrong (reported): max_wait is then not compared with it.
        var interval: Duration? = canary.interval
        if let node = fields["interval"] { interval = reader.duration(node, positive: true) }
        canary.interval = interval ?? canary.interval
        if let pause = fields["pause"].flatMap(pause) { canary.pause = pause }
        if let node = fields["max_wait"], let maxWait = reader.duration(node, positive: true) {
            // A step lasts at least one interval: a shorter wait for requests would never be waited.
            if let interval, maxWait < interval {
                reader.log.add("max_wait cannot be shorter than interval (\(DurationParser.format(interval))), "
                               + "got \(node.found)", at: node)
            } else {
                canary.maxWait = maxWait
            }
        }
        if let node = fields["analysis"] { analysis(node, into: &canary) }
        return canary
    }

    /// Percentages of requests, rising to 100: the last step sends every request to the new
    /// release, which has then taken over.
    private func steps(_ node: ConfigNode) -> [Int]? {
        guard let items = reader.list(node, expected: "a list of percentages like [5, 50, 100]") else { return nil }
        guard !items.isEmpty else {
            reader.log.add("expected at least one step (the last 100), got an empty list", at: node)
            return nil
        }
        let steps = items.compactMap { reader.integer($0, in: 1...100, expected: "a percentage from 1 to 100") }
        // Whether the rest rise to 100 says little when one of them is already wrong.
        guard steps.count == items.count else { return nil }
        var valid = true
        for index in steps.indices.dropFirst() where steps[index] <= steps[index - 1] {
            reader.log.add("steps must rise: \(steps[index]) follows \(steps[index - 1])", at: items[index])
            valid = false
        }
        if let last = steps.last, last != 100, let lastNode = items.last {
            reader.log.add("the last step must be 100 (every request to the new release), got \(last)", at: lastNode)
            valid = false
        }
        return valid ? steps : nil
    }

    /// A duration to wait after each passed step (`0s`: none), or `manual` to wait for
    /// `slipway rollout SERVICE promote`.
    private func pause(_ node: ConfigNode) -> CanaryPause? {
        let expected = "a duration like 30s, or manual"
        guard let text = reader.string(node, expected: expected) else { return nil }
        if text == "manual" { return .manual }
        guard let duration = DurationParser.parse(text) else {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return .after(duration)
    }

    /// `analysis:`. A rule written `off` (or `false`) is not checked; one written as its settings
    /// keeps the defaults of those it leaves out.
    private func analysis(_ node: ConfigNode, into canary: inout CanaryConfig) {
        guard let fields = reader.mapping(node, keys: Self.analysisKeys) else { return }
        var policy = canary.analysis
        if let minimum = fields["min_requests"].flatMap({ reader.integer($0, in: 1...Int.max, expected: "an integer >= 1") }) {
            policy.minRequests = minimum
        }
        if let node = fields["error_rate"] {
            if reader.isOff(node) { policy.errorRate = nil } else if let rule = errorRate(node) { policy.errorRate = rule }
        }
        if let node = fields["latency_p95"] {
            if reader.isOff(node) { policy.latencyP95 = nil } else if let rule = latency(node) { policy.latencyP95 = rule }
        }
        if let node = fields["test"] { test(node, into: &policy) }
        if let slo = fields["slo"].flatMap(slo) { policy.slo = slo }
        if let run = fields["run"].flatMap({ reader.nonEmptyString($0, expected: "a command like ./scripts/canary-check.sh") }) {
            canary.run = run
        }
        canary.analysis = policy
    }

    /// `test: mann_whitney`, the one statistical test there is, with its default alpha; `off` (or
    /// `none`) for none.
    private func test(_ node: ConfigNode, into policy: inout AnalysisPolicy) {
        let expected = "mann_whitney, or off"
        if reader.isOff(node) || node.scalarText == "none" {
            policy.mannWhitney = nil
        } else if let test = reader.string(node, expected: expected) {
            if test == "mann_whitney" {
                policy.mannWhitney = AnalysisPolicy.MannWhitneyRule()
            } else {
                reader.log.add("expected \(expected), got \(node.found)", at: node)
            }
        }
    }

    private func errorRate(_ node: ConfigNode) -> AnalysisPolicy.ErrorRateRule? {
        guard let fields = reader.mapping(node, keys: Self.errorRateKeys,
                                          expected: "a mapping like { relative: 0.5, floor: 0.01 }, or off") else { return nil }
        var rule = AnalysisPolicy.ErrorRateRule()
        if let relative = fields["relative"].flatMap({ reader.number($0, in: 0...Double.infinity, expected: "a number >= 0") }) {
            rule.relative = relative
        }
        if let floor = fields["floor"].flatMap({ reader.number($0, in: 0...1, expected: "a rate from 0 to 1") }) {
            rule.floor = floor
        }
        return rule
    }

    private func latency(_ node: ConfigNode) -> AnalysisPolicy.LatencyRule? {
        guard let fields = reader.mapping(node, keys: Self.latencyKeys,
                                          expected: "a mapping like { max_ratio: 2.0 }, or off") else { return nil }
        var rule = AnalysisPolicy.LatencyRule()
        // Below 1 a canary exactly as fast as its baseline would fail.
        if let ratio = fields["max_ratio"].flatMap({ reader.number($0, in: 1...Double.infinity, expected: "a number >= 1.0") }) {
            rule.maxRatio = ratio
        }
        return rule
    }

    /// `slo:`, at least one limit: an empty one would judge a canary without a baseline by nothing.
    private func slo(_ node: ConfigNode) -> AnalysisPolicy.SLO? {
        guard let fields = reader.mapping(node, keys: Self.sloKeys) else { return nil }
        guard !fields.entries.isEmpty else {
            reader.log.add("expected error_rate:, latency_p95: or both, got \(node.isNull ? "nothing" : "an empty mapping")",
                           at: node)
            return nil
        }
        let errorRate = fields["error_rate"].flatMap { reader.number($0, in: 0...1, expected: "a rate from 0 to 1") }
        let latency = fields["latency_p95"].flatMap { reader.duration($0, positive: true) }
        guard errorRate != nil || latency != nil else { return nil }
        return AnalysisPolicy.SLO(errorRate: errorRate, latencyP95: latency)
    }
}
