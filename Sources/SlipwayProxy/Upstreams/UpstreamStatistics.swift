import SlipwayModel

/// What the proxy has seen of one upstream since it was first routed to, summed over event loops.
/// An upstream's statistics disappear once it has been drained and no service routes to it.
public struct UpstreamStatistics: Sendable, Equatable {
    public var upstream: Upstream
    /// The services that route to it now (empty after a switch away).
    public var services: [String]
    public var inFlight: Int
    /// Requests answered by the upstream with a complete response.
    public var responses: Int
    public var status2xx: Int
    public var status3xx: Int
    public var status4xx: Int
    public var status5xx: Int
    /// 502s: connection refused, reset or closed before the response head.
    public var connectFailures: Int
    public var closedBeforeResponse: Int
    /// 504s: no response head within the upstream timeout.
    public var timeouts: Int
    /// Responses cut off after their head (the client connection was closed).
    public var abortedResponses: Int
    /// Clients that went away before their response was complete.
    public var clientAborts: Int
    /// Requests replayed once on a fresh connection after a reused one closed before answering.
    public var retries: Int
    public var connectionsOpened: Int
    /// Idle keep-alive connections pooled now.
    public var idleConnections: Int

    /// Requests the proxy answered itself with 502 or 504 because of this upstream.
    public var gatewayErrors: Int { connectFailures + closedBeforeResponse + timeouts }

    init(upstream: Upstream, services: [String], inFlight: Int, idleConnections: Int, counters c: UpstreamCounters) {
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
    }
}
