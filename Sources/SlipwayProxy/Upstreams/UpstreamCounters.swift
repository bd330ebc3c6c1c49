import SlipwayModel

/// Counters one event loop keeps for one upstream; plain integers because only that loop touches them.
/// `ReverseProxy.statistics()` sums them across loops.
struct UpstreamCounters: Sendable, Equatable {
    /// Exchanges that got a complete response from the upstream.
    var responses = 0
    var status1xx = 0
    var status2xx = 0
    var status3xx = 0
    var status4xx = 0
    var status5xx = 0
    /// Connection attempts that failed (refused, unreachable, connect timeout): answered 502.
    var connectFailures = 0
    /// Connections that closed before a response head and could not be retried: answered 502.
    var closedBeforeResponse = 0
    /// No response head within the upstream timeout: answered 504.
    var timeouts = 0
    /// The upstream failed after the response head: the client connection was closed.
    var abortedResponses = 0
    /// The client went away before its response was complete.
    var clientAborts = 0
    /// Requests replayed on a fresh connection after a reused one closed before answering.
    var retries = 0
    var connectionsOpened = 0
    /// Each completed exchange's time from its request head to its response's end.
    var latency = LatencyHistogram()

    mutating func recordStatus(_ code: UInt) {
        responses += 1
        switch code {
        case 100..<200: status1xx += 1
        case 200..<300: status2xx += 1
        case 300..<400: status3xx += 1
        case 400..<500: status4xx += 1
        default: status5xx += 1
        }
    }

    static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum.responses += b.responses
        sum.status1xx += b.status1xx
        sum.status2xx += b.status2xx
        sum.status3xx += b.status3xx
        sum.status4xx += b.status4xx
        sum.status5xx += b.status5xx
        sum.connectFailures += b.connectFailures
        sum.closedBeforeResponse += b.closedBeforeResponse
        sum.timeouts += b.timeouts
        sum.abortedResponses += b.abortedResponses
        sum.clientAborts += b.clientAborts
        sum.retries += b.retries
        sum.connectionsOpened += b.connectionsOpened
        sum.latency.merge(b.latency)
        return sum
    }
}
