/// What the proxy measured of one release in one analysis window: the input of `CanaryAnalysis`.
///
/// `requests` counts every request routed to the release. An answer with a 5xx status counts in
/// `serverErrors`; a request the release never answered (connection refused or reset, a timeout)
/// counts in `upstreamFailures` only, not also as the 502 or 504 the proxy then sends. The
/// histogram holds the latencies of answered requests.
package struct WindowStats: Sendable, Equatable, Codable {
    package var requests: Int
    package var serverErrors: Int
    package var upstreamFailures: Int
    package var latency: LatencyHistogram

    package init(requests: Int = 0, serverErrors: Int = 0, upstreamFailures: Int = 0, latency: LatencyHistogram = LatencyHistogram()) {
        self.requests = requests
        self.serverErrors = serverErrors
        self.upstreamFailures = upstreamFailures
        self.latency = latency
    }

    /// The requests that failed, in the error rate's sense: 5xx answers and upstream failures.
    package var errors: Int { serverErrors + upstreamFailures }

    /// (5xx answers + upstream failures) / requests; 0 when there were no requests.
    package var errorRate: Double {
        requests > 0 ? Double(errors) / Double(requests) : 0
    }

    /// An answered request: its status and how long the release took to answer.
    package mutating func record(status: Int, latency: Duration) {
        requests += 1
        if (500...599).contains(status) { serverErrors += 1 }
        self.latency.record(latency)
    }

    /// A request the release never answered.
    package mutating func recordUpstreamFailure() {
        requests += 1
        upstreamFailures += 1
    }

    package mutating func merge(_ other: WindowStats) {
        requests += other.requests
        serverErrors += other.serverErrors
        upstreamFailures += other.upstreamFailures
        latency.merge(other.latency)
    }

    package static func + (a: WindowStats, b: WindowStats) -> WindowStats {
        var sum = a
        sum.merge(b)
        return sum
    }

    /// What happened after `earlier`, when both are cumulative counts of one release read at two
    /// instants. Counters that went backwards (the proxy restarted between the readings) mean
    /// `earlier` no longer applies: then everything counted now is the difference.
    package func since(_ earlier: WindowStats) -> WindowStats {
        guard requests >= earlier.requests, serverErrors >= earlier.serverErrors,
              upstreamFailures >= earlier.upstreamFailures, latency.count >= earlier.latency.count else { return self }
        return WindowStats(requests: requests - earlier.requests, serverErrors: serverErrors - earlier.serverErrors,
                           upstreamFailures: upstreamFailures - earlier.upstreamFailures,
                           latency: latency.subtracting(earlier.latency))
    }
}
