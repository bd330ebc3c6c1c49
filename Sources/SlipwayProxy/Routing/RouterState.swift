import SlipwayModel

/// The authoritative routing state: what `configure` and `switchTraffic` set. Each event loop holds
/// a compiled copy (`LoopState`) so the request path reads it without a lock; `version` orders the copies.
struct RouterState: Sendable {
    struct Service: Sendable {
        /// nil until `configure` declares it: a service with an upstream but no route gets no traffic.
        var route: RouteConfig?
        var upstream: Upstream?
        /// Paused or in maintenance (`slipway proxy pause|maintenance`).
        var control = TrafficControl()
    }

    var services: [ServiceKey: Service] = [:]
    var version: UInt64 = 0

    /// The services routing to `upstream`, sorted.
    func services(routingTo upstream: Upstream) -> [ServiceKey] {
        services.filter { $0.value.upstream == upstream && $0.value.route != nil }.map(\.key).sorted()
    }
}
