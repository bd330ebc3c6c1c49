import SlipwayModel
import Testing

/// An analysis window is the difference of two readings of the proxy's cumulative counts.
@Suite struct WindowDifferenceTests {
    @Test func aWindowIsWhatWasCountedBetweenTwoReadings() {
        var earlier = WindowStats()
        for _ in 0..<100 { earlier.record(status: 200, latency: .milliseconds(2)) }
        var later = earlier
        for index in 0..<50 { later.record(status: index < 10 ? 503 : 200, latency: .milliseconds(40)) }
        later.recordUpstreamFailure()
        let window = later.since(earlier)
        #expect(window.requests == 51)
        #expect(window.serverErrors == 10)
        #expect(window.upstreamFailures == 1)
        #expect(window.latency.count == 50)
        // Only the window's latencies: 40 ms, within the histogram's 1.6%, not the earlier 2 ms.
        let p50 = window.latency.quantileMicroseconds(0.5) ?? 0
        #expect(abs(p50 - 40_000) <= 40_000 / 64)
        #expect((window.latency.quantileMicroseconds(0.01) ?? 0) > 39_000)
        #expect(window.latency.meanMicroseconds == 40_000)
    }

    @Test func countsThatWentBackwardsMeanTheProxyRestarted() {
        var earlier = WindowStats()
        for _ in 0..<100 { earlier.record(status: 200, latency: .milliseconds(2)) }
        var restarted = WindowStats()
        for _ in 0..<7 { restarted.record(status: 500, latency: .milliseconds(9)) }
        #expect(restarted.since(earlier) == restarted)
    }

    @Test func nothingNewIsAnEmptyWindow() {
        var stats = WindowStats()
        stats.record(status: 200, latency: .milliseconds(3))
        let window = stats.since(stats)
        #expect(window.requests == 0)
        #expect(window.latency.isEmpty)
        #expect(window.latency.quantile(0.95) == nil)
    }
}
