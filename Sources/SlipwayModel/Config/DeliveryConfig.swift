/// How a release reaches its users: how many instances it runs, how the proxy spreads requests over
/// them, and the strategy that replaces one release with the next (`replicas:`, `balance:`,
/// `sticky:`, `strategy:` and its block).
///
/// Every strategy's block is kept whichever strategy is chosen, so an environment may pick another
/// strategy (`environments: {staging: {services: {web: {strategy: switch}}}}`) without deleting
/// the shared `canary:`.
package struct DeliveryConfig: Sendable, Equatable {
    /// Instances of a release behind the proxy, each health-gated before it takes traffic.
    package var replicas: Int
    package var balance: Balance
    /// `sticky: { cookie: NAME }`: a client keeps the release it was first sent to.
    package var sticky: StickyConfig?
    package var strategy: Strategy
    package var recreate: RecreateConfig
    package var rolling: RollingConfig
    /// Required when `strategy` is `blue_green`.
    package var blueGreen: BlueGreenConfig?
    package var canary: CanaryConfig

    package init(replicas: Int = 1, balance: Balance = .leastRequests, sticky: StickyConfig? = nil,
                 strategy: Strategy = .switch, recreate: RecreateConfig = RecreateConfig(),
                 rolling: RollingConfig = RollingConfig(), blueGreen: BlueGreenConfig? = nil,
                 canary: CanaryConfig = CanaryConfig()) {
        self.replicas = replicas
        self.balance = balance
        self.sticky = sticky
        self.strategy = strategy
        self.recreate = recreate
        self.rolling = rolling
        self.blueGreen = blueGreen
        self.canary = canary
    }
}

/// `balance:`: which healthy instance of a release the proxy sends a request to.
package enum Balance: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// The one with the fewest requests in flight (ties in turn): the default.
    case leastRequests = "least_requests"
    /// Each in turn.
    case roundRobin = "round_robin"
}

/// `sticky: { cookie: slipway_web }`: the proxy sets this cookie to the release a client was sent
/// to and sends the client's next requests to that release while it takes traffic.
package struct StickyConfig: Sendable, Equatable, Hashable, Codable {
    /// An RFC 6265 cookie name (an HTTP token).
    package var cookie: String

    package init(cookie: String) {
        self.cookie = cookie
    }
}

/// `strategy:`: how a deploy replaces the serving release.
package enum Strategy: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// Start the new release beside the old, then move all traffic at once (the default).
    case `switch`
    /// Stop the old release (drained), then start the new; requests meanwhile are held.
    case recreate
    /// Replace instances in batches (`rolling:`).
    case rolling
    /// Start the new release reachable only through its preview route, switch on `rollout promote`.
    case blueGreen = "blue_green"
    /// Send a growing share of requests to the new release, judged by analysis at each step.
    case canary

    /// Whether the old and the new release run at the same time under this strategy.
    package var runsTwoReleases: Bool { self != .recreate }
}

/// `recreate:`.
package struct RecreateConfig: Sendable, Equatable {
    /// How long a request that arrives while no instance serves is held before it is answered 503.
    package var holdRequests: Duration

    package init(holdRequests: Duration = .seconds(10)) {
        self.holdRequests = holdRequests
    }
}

/// `rolling: { max_surge: 1, max_unavailable: 0 }`: bounds on a rolling replacement, in instances.
package struct RollingConfig: Sendable, Equatable {
    /// New instances that may run beyond `replicas` at once.
    package var maxSurge: Int
    /// Instances below `replicas` that may be out of service at once.
    package var maxUnavailable: Int

    package init(maxSurge: Int = 1, maxUnavailable: Int = 0) {
        self.maxSurge = maxSurge
        self.maxUnavailable = maxUnavailable
    }
}

/// `blue_green:`.
package struct BlueGreenConfig: Sendable, Equatable {
    package var preview: PreviewRoute
    /// nil (`auto_switch: false`): wait for `slipway rollout SERVICE promote`; else switch by
    /// itself this long after the preview became healthy and its smoke tests passed.
    package var autoSwitch: Duration?

    package init(preview: PreviewRoute, autoSwitch: Duration? = nil) {
        self.preview = preview
        self.autoSwitch = autoSwitch
    }
}

/// Which requests reach a release that takes no production traffic yet: those for `host`, and
/// (on the service's own route) those carrying `header`. At least one is set.
package struct PreviewRoute: Sendable, Equatable, Hashable, Codable {
    /// Lowercased host name.
    package var host: String?
    package var header: HeaderMatch?

    package init(host: String? = nil, header: HeaderMatch? = nil) {
        self.host = host
        self.header = header
    }
}

/// `"X-Slipway-Preview: 1"`: a request header and the value it must have (compared exactly;
/// the name case-insensitively).
package struct HeaderMatch: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Lowercased.
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name.lowercased()
        self.value = value
    }

    package var description: String { "\(name): \(value)" }
}

/// `canary:`.
package struct CanaryConfig: Sendable, Equatable {
    /// Percent of requests sent to the new release at each step: ascending, each 1...100, the last 100.
    package var steps: [Int]
    /// The analysis window: each step lasts at least one.
    package var interval: Duration
    package var pause: CanaryPause
    /// How long a step may wait for enough requests (`analysis.min_requests`) before it is
    /// inconclusive and waits for a person's `promote` or `abort` (`canary.max_wait`, default 10 ×
    /// interval).
    package var maxWait: Duration?
    package var analysis: AnalysisPolicy
    /// `analysis.run`: a command run at the end of each window (exit 0 pass, else fail), with
    /// `SLIPWAY_*` variables describing the step.
    package var run: String?

    package init(steps: [Int] = [5, 50, 100], interval: Duration = .seconds(10), pause: CanaryPause = .after(.zero),
                 maxWait: Duration? = nil, analysis: AnalysisPolicy = AnalysisPolicy(), run: String? = nil) {
        self.steps = steps
        self.interval = interval
        self.pause = pause
        self.maxWait = maxWait
        self.analysis = analysis
        self.run = run
    }

    /// The wait for enough requests after which a step is inconclusive.
    package var effectiveMaxWait: Duration { maxWait ?? interval * 10 }
}

/// `canary.pause`: what happens between a passed step and the next.
package enum CanaryPause: Sendable, Equatable, Hashable {
    /// Wait this long more (zero: go on at once).
    case after(Duration)
    /// Wait for `slipway rollout SERVICE promote`.
    case manual
}
