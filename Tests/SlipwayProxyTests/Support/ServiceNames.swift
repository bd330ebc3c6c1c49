import SlipwayCore
import SlipwayModel
@testable import SlipwayProxy

/// These tests name services by their names: each is that service in the default environment, as
/// every route of a `slipway.yml` without `environments:` is.
extension ReverseProxy {
    func configure(service: String, route: RouteConfig) async {
        await configure(service: ServiceKey(service: service), route: route)
    }

    @discardableResult
    func switchTraffic(service: String, to upstream: Upstream?) async -> Upstream? {
        await switchTraffic(service: ServiceKey(service: service), to: upstream)
    }

    @discardableResult
    func route(service: String, to backends: Backends?) async -> Backends? {
        await route(service: ServiceKey(service: service), to: backends)
    }

    func releaseStatistics(of service: String) async -> [String: WindowStats] {
        await releaseStatistics(of: ServiceKey(service: service))
    }

    func upstream(of service: String) async -> Upstream? {
        await upstream(of: ServiceKey(service: service))
    }

    func removeService(_ service: String) async {
        await removeService(ServiceKey(service: service))
    }
}
