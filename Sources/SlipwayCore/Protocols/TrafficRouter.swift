import SlipwayModel

/// The data plane: where the proxy sends each service's requests.
package protocol TrafficRouter: Sendable {
    /// Declares a service's route (host and path prefix). Requests it matches get a 503
    /// until the service has an upstream.
    func configure(service: ServiceKey, route: RouteConfig) async

    /// Atomically points the service at `upstream` (nil: none, requests get 503) and returns the
    /// upstream it replaced. Every request is sent wholly to the old or wholly to the new upstream.
    @discardableResult
    func switchTraffic(service: ServiceKey, to upstream: Upstream?) async -> Upstream?

    /// Atomically replaces where the service's requests go (nil: nowhere, 503) and returns what it
    /// replaced: releases with their instances and shares, a preview, balancing and stickiness.
    /// Every request is sent wholly by the old or wholly by the new table.
    @discardableResult
    func route(service: ServiceKey, to backends: Backends?) async -> Backends?

    /// Where the service's requests go now.
    func backends(of service: ServiceKey) async -> Backends?

    /// What the proxy has counted per release of the service (by release id), over the instances
    /// it routes to now, since each was first routed to. Cumulative: an analysis window is the
    /// difference of two readings (`WindowStats.since`). Empty when the proxy cannot be asked.
    func releaseStatistics(of service: ServiceKey) async -> [String: WindowStats]

    /// Waits until no request is in flight on `upstream` or `timeout` passes, then closes its idle
    /// pooled connections. Returns how many requests were still in flight at the deadline.
    func drain(_ upstream: Upstream, timeout: Duration) async -> Int

    /// The upstream a service currently routes to.
    func upstream(of service: ServiceKey) async -> Upstream?

    /// Changes how the proxy treats the service's requests (`slipway proxy pause|resume|maintenance|live`),
    /// atomically in the proxy, and returns the result. A paused service's new requests wait until
    /// the pause ends (then go to its upstream of that moment, so a switch meanwhile is fine) or
    /// their `hold` passes (503). Throws when the proxy did not take it.
    func changeControl(_ change: TrafficControlChange, hold: Duration?, message: String?, of service: ServiceKey) async throws
        -> TrafficControl

    /// How the proxy treats the service's requests now.
    func control(of service: ServiceKey) async -> TrafficControl

    /// `backends(of:)` and `control(of:)` of every service in `services`, read together: what the
    /// daemon's status shows for all of them (a proxy of its own process answers it in one request).
    func readings(of services: [ServiceKey]) async -> [ServiceKey: RouteReading]
}

/// Where a service's requests go and how the proxy treats them, read together.
package struct RouteReading: Sendable, Equatable {
    package var backends: Backends?
    package var control: TrafficControl

    package init(backends: Backends?, control: TrafficControl = TrafficControl()) {
        self.backends = backends
        self.control = control
    }
}

extension TrafficRouter {
    /// One service at a time: for a router whose every call is cheap.
    package func readings(of services: [ServiceKey]) async -> [ServiceKey: RouteReading] {
        var readings: [ServiceKey: RouteReading] = [:]
        for service in services {
            readings[service] = RouteReading(backends: await backends(of: service), control: await control(of: service))
        }
        return readings
    }
}
