import SlipwayCore
import SlipwayModel
import Synchronization

/// The controller's `TrafficRouter` over one proxy process per environment: a service's routes and
/// switches go to its environment's proxy, so staging and production listen apart and a crash or a
/// reload of one proxy never touches another environment's connections.
package final class EnvironmentProxies: TrafficRouter, Sendable {
    /// In the order the configuration declares the environments.
    package let proxies: [(environment: String, proxy: DetachedProxy)]
    /// Which environment each upstream was last routed in: a drain names only the upstream.
    private let upstreamEnvironment = Mutex<[Upstream: String]>([:])

    package init(_ proxies: [(environment: String, proxy: DetachedProxy)]) {
        precondition(!proxies.isEmpty, "at least one environment")
        self.proxies = proxies
    }

    package func proxy(of environment: String) -> DetachedProxy? {
        proxies.first { $0.environment == environment }?.proxy
    }

    package func configure(service: ServiceKey, route: RouteConfig) async {
        await proxy(for: service)?.configure(service: service, route: route)
    }

    @discardableResult
    package func switchTraffic(service: ServiceKey, to upstream: Upstream?) async -> Upstream? {
        guard let proxy = proxy(for: service) else { return nil }
        let previous = await proxy.switchTraffic(service: service, to: upstream)
        remember([upstream, previous].compactMap { $0 }, in: service.environment)
        return previous
    }

    @discardableResult
    package func route(service: ServiceKey, to backends: Backends?) async -> Backends? {
        guard let proxy = proxy(for: service) else { return nil }
        let previous = await proxy.route(service: service, to: backends)
        remember((backends?.upstreams ?? []) + (previous?.upstreams ?? []), in: service.environment)
        return previous
    }

    package func backends(of service: ServiceKey) async -> Backends? {
        guard let backends = await proxy(for: service)?.backends(of: service) else { return nil }
        remember(backends.upstreams, in: service.environment)
        return backends
    }

    package func releaseStatistics(of service: ServiceKey) async -> [String: WindowStats] {
        await proxy(for: service)?.releaseStatistics(of: service) ?? [:]
    }

    package func drain(_ upstream: Upstream, timeout: Duration) async -> Int {
        let environment = upstreamEnvironment.withLock { $0[upstream] }
        if let environment, let proxy = proxy(of: environment) {
            return await proxy.drain(upstream, timeout: timeout)
        }
        // Never routed by this daemon (a release it recovered): each proxy drains what it has of it.
        return await withTaskGroup(of: Int.self) { group in
            for (_, proxy) in proxies {
                group.addTask { await proxy.drain(upstream, timeout: timeout) }
            }
            return await group.reduce(0, +)
        }
    }

    package func changeControl(_ change: TrafficControlChange, hold: Duration?, message: String?, of service: ServiceKey) async throws
        -> TrafficControl {
        guard let proxy = proxy(for: service) else {
            throw SlipwayError(.unknownService, "no proxy serves environment \(service.environment)", context: ErrorContext(service: service.service))
        }
        return try await proxy.changeControl(change, hold: hold, message: message, of: service)
    }

    package func control(of service: ServiceKey) async -> TrafficControl {
        await proxy(for: service)?.control(of: service) ?? TrafficControl()
    }

    /// Each environment's proxy asked once for its services.
    package func readings(of services: [ServiceKey]) async -> [ServiceKey: RouteReading] {
        var readings: [ServiceKey: RouteReading] = [:]
        for (environment, keys) in Dictionary(grouping: services, by: \.environment) {
            guard let proxy = proxy(of: environment) else { continue }
            for (service, reading) in await proxy.readings(of: keys) {
                remember(reading.backends?.upstreams ?? [], in: environment)
                readings[service] = reading
            }
        }
        return readings
    }

    package func upstream(of service: ServiceKey) async -> Upstream? {
        guard let upstream = await proxy(for: service)?.upstream(of: service) else { return nil }
        remember([upstream], in: service.environment)
        return upstream
    }

    /// What each environment's proxy has counted per upstream, in the file's order.
    package func statistics() async -> [(environment: String, upstreams: [UpstreamStatistics])] {
        var all: [(environment: String, upstreams: [UpstreamStatistics])] = []
        for (environment, proxy) in proxies { all.append((environment, await proxy.statistics())) }
        return all
    }

    /// Where each environment's proxy process listens, in the file's order (those that run).
    package func addresses() async -> [(environment: String, address: SocketAddressSpec)] {
        var addresses: [(environment: String, address: SocketAddressSpec)] = []
        for (environment, proxy) in proxies {
            if let address = await proxy.process.current.flatMap({ SocketAddressSpec(parsing: $0.listen) }) {
                addresses.append((environment, address))
            }
        }
        return addresses
    }

    /// Watches every proxy process until cancelled (`DetachedProxy.supervise`).
    package func supervise() async {
        await withTaskGroup(of: Void.self) { group in
            for (_, proxy) in proxies {
                group.addTask { await proxy.supervise() }
            }
        }
    }

    /// Stops every proxy process (a graceful shutdown of the daemon).
    package func stop() async {
        for (_, proxy) in proxies { await proxy.process.stop() }
    }

    private func proxy(for service: ServiceKey) -> DetachedProxy? {
        proxy(of: service.environment)
    }

    private func remember(_ upstreams: [Upstream], in environment: String) {
        upstreamEnvironment.withLock { map in
            for upstream in upstreams { map[upstream] = environment }
        }
    }
}
