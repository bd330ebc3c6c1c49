/// Time for timeouts, intervals and backoff. Passed in so the rules can be driven by a test's clock.
/// (Named apart from the standard library's `Clock`, whose existential is awkward to pass around.)
package protocol MonotonicClock: Sendable {
    /// Time since an arbitrary fixed origin; only differences mean anything.
    var now: Duration { get }
    func sleep(for duration: Duration) async throws
}

package struct SystemClock: MonotonicClock {
    private let origin = ContinuousClock.now

    package init() {}

    package var now: Duration { ContinuousClock.now - origin }

    package func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
