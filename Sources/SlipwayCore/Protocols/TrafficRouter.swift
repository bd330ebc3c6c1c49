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

    /// Waits until no request is in flight on `upstream` or `timeout` passes, then closes its idle
    /// pooled connections. Returns how many requests were still in flight at the deadline.
    func drain(_ upstream: Upstream, timeout: Duration) async -> Int

    /// The upstream a service currently routes to.
    func upstream(of service: ServiceKey) async -> Upstream?
}
