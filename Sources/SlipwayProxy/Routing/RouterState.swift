import SlipwayModel

/// The authoritative routing state: what `configure` and `switchTraffic` set. Each event loop holds
/// a compiled copy (`LoopState`) so the request path reads it without a lock; `version` orders the copies.
struct RouterState: Sendable {
    struct Service: Sendable {
        /// nil until `configure` declares it: a service with an upstream but no route gets no traffic.
        var route: RouteConfig?
        /// nil or empty: requests get 503.
        var backends: Backends?
        /// Paused or in maintenance (`slipway proxy pause|maintenance`).
        var control = TrafficControl()
        /// Static sites no longer routed whose files still answer their exact paths (`RetiredSite`).
        var retired: [RetiredSite] = []
    }

    var services: [ServiceKey: Service] = [:]
    var version: UInt64 = 0
    /// One shared in-flight count per routed upstream (`refreshLoads`).
    private(set) var loads: [Upstream: UpstreamLoad] = [:]

    /// Gives every routed upstream its shared load, and forgets the loads of upstreams no longer
    /// routed that have nothing in flight (one that still has keeps its count until it drains).
    mutating func refreshLoads() {
        var routed = Set<Upstream>()
        for service in services.values { routed.formUnion(service.backends?.upstreams ?? []) }
        for upstream in routed where loads[upstream] == nil { loads[upstream] = UpstreamLoad() }
        loads = loads.filter { routed.contains($0.key) || $0.value.inFlight > 0 }
    }

    /// The services routing to `upstream` (as one of their instances), sorted.
    func services(routingTo upstream: Upstream) -> [ServiceKey] {
        services.filter { $0.value.route != nil && $0.value.backends?.upstreams.contains(upstream) == true }
            .map(\.key).sorted()
    }
}
