import SlipwayModel

/// What the proxy has seen of one upstream since it was first routed to, summed over event loops.
/// An upstream's statistics disappear once it has been drained and no service routes to it.
package struct UpstreamStatistics: Sendable, Equatable, Codable {
    package var upstream: Upstream
    /// The services that route to it now (empty after a switch away).
    package var services: [ServiceKey]
    package var inFlight: Int
    /// Requests answered by the upstream with a complete response.
    package var responses: Int
    package var status2xx: Int
    package var status3xx: Int
    package var status4xx: Int
    package var status5xx: Int
    /// 502s: connection refused, reset or closed before the response head.
    package var connectFailures: Int
    package var closedBeforeResponse: Int
    /// 504s: no response head within the upstream timeout.
    package var timeouts: Int
    /// Responses cut off after their head (the client connection was closed).
    package var abortedResponses: Int
    /// Clients that went away before their response was complete.
    package var clientAborts: Int
    /// Requests replayed once on a fresh connection after a reused one closed before answering.
    package var retries: Int
    package var connectionsOpened: Int
    /// Idle keep-alive connections pooled now.
    package var idleConnections: Int
    /// Completed exchanges' times, request head to response end.
    package var latency: LatencyHistogram

    /// Requests the proxy answered itself with 502 or 504 because of this upstream.
    package var gatewayErrors: Int { connectFailures + closedBeforeResponse + timeouts }

    init(upstream: Upstream, services: [ServiceKey], inFlight: Int, idleConnections: Int, counters c: UpstreamCounters) {
        self.upstream = upstream
        self.services = services
        self.inFlight = inFlight
        self.responses = c.responses
        self.status2xx = c.status2xx
        self.status3xx = c.status3xx
        self.status4xx = c.status4xx
        self.status5xx = c.status5xx
        self.connectFailures = c.connectFailures
        self.closedBeforeResponse = c.closedBeforeResponse
        self.timeouts = c.timeouts
        self.abortedResponses = c.abortedResponses
        self.clientAborts = c.clientAborts
        self.retries = c.retries
        self.connectionsOpened = c.connectionsOpened
        self.idleConnections = idleConnections
        self.latency = c.latency
    }
}

extension UpstreamStatistics {
    /// What this upstream saw, as the analysis counts it: every request routed to it, its 5xx
    /// answers, and as upstream failures the requests it never answered (502, 504) or whose
    /// answer broke off.
    package var windowStats: WindowStats {
        let failures = gatewayErrors + abortedResponses
        return WindowStats(requests: responses + failures, serverErrors: status5xx, upstreamFailures: failures, latency: latency)
    }
}

extension [UpstreamStatistics] {
    /// Per release id, the sum over the upstreams that `service` routes to.
    package func windowStats(of service: ServiceKey) -> [String: WindowStats] {
        var byRelease: [String: WindowStats] = [:]
        for row in self where row.services.contains(service) {
            byRelease[row.upstream.releaseID, default: WindowStats()].merge(row.windowStats)
        }
        return byRelease
    }
}
