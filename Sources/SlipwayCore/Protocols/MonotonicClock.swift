/// Time for timeouts, intervals and backoff. Passed in so the rules can be driven by a test's clock.
/// (Named apart from the standard library's `Clock`, whose existential is awkward to pass around.)
public protocol MonotonicClock: Sendable {
    /// Time since an arbitrary fixed origin; only differences mean anything.
    var now: Duration { get }
    func sleep(for duration: Duration) async throws
}

public struct SystemClock: MonotonicClock {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
