import SlipwayCore
import SlipwayModel

actor FakeRouter: TrafficRouter {
    var routes: [ServiceKey: RouteConfig] = [:]
    var backendsByService: [ServiceKey: Backends] = [:]
    var switches: [(ServiceKey, Upstream?)] = []
    /// Every table `route` set, in order.
    var routings: [(ServiceKey, Backends?)] = []
    /// What `releaseStatistics` answers: what the fake proxy has served (below).
    var counted: [ServiceKey: [String: WindowStats]] = [:]
    /// Requests the fake proxy serves between two readings of `releaseStatistics`, shared by the
    /// production releases as their weights say, each answering 5xx at its ref's error rate
    /// (`errorRates["v3"]`; a fake release's id is `r-REF-…`) in `latencies[REF]` (default 10 ms).
    var perReading = 0
    var errorRates: [String: Double] = [:]
    var latencies: [String: Duration] = [:]

    func simulate(perReading: Int, errorRates: [String: Double] = [:], latencies: [String: Duration] = [:]) {
        self.perReading = perReading
        self.errorRates = errorRates
        self.latencies = latencies
    }
    var drained: [Upstream] = []
    var controls: [ServiceKey: TrafficControl] = [:]

    func configure(service: ServiceKey, route: RouteConfig) { routes[service] = route }
    func switchTraffic(service: ServiceKey, to upstream: Upstream?) -> Upstream? {
        switches.append((service, upstream))
        let old = backendsByService[service]?.primary
        backendsByService[service] = upstream.map(Backends.single)
        return old
    }
    func route(service: ServiceKey, to backends: Backends?) -> Backends? {
        routings.append((service, backends))
        let old = backendsByService[service]
        backendsByService[service] = backends
        return old
    }
    func backends(of service: ServiceKey) -> Backends? { backendsByService[service] }
    func releaseStatistics(of service: ServiceKey) -> [String: WindowStats] {
        if perReading > 0, let backends = backendsByService[service] {
            let serving = backends.releases.filter { !$0.preview && $0.weight > 0 && !$0.upstreams.isEmpty }
            let total = serving.reduce(0) { $0 + $1.weight }
            for release in serving {
                let requests = perReading * release.weight / total
                let ref = release.releaseID.split(separator: "-").dropFirst().first.map(String.init) ?? ""
                let errors = Int((Double(requests) * (errorRates[ref] ?? 0)).rounded())
                var stats = counted[service, default: [:]][release.releaseID, default: WindowStats()]
                for index in 0..<requests {
                    stats.record(status: index < errors ? 500 : 200, latency: latencies[ref] ?? .milliseconds(10))
                }
                counted[service, default: [:]][release.releaseID] = stats
            }
        }
        return counted[service] ?? [:]
    }
    func drain(_ upstream: Upstream, timeout: Duration) -> Int {
        drained.append(upstream)
        return 0
    }
    func upstream(of service: ServiceKey) -> Upstream? { backendsByService[service]?.primary }
    func changeControl(_ change: TrafficControlChange, hold: Duration?, message: String?, of service: ServiceKey) -> TrafficControl {
        let control = change.applied(to: controls[service] ?? TrafficControl(), hold: hold, message: message)
        controls[service] = control
        return control
    }
    func control(of service: ServiceKey) -> TrafficControl { controls[service] ?? TrafficControl() }
}

/// Healthy unless the release's version is marked unhealthy in the world, or the instance is dead.
struct FakeProbe: HealthProbe {
    let world: World
    let store: InMemoryStore

    func probe(_ upstream: Upstream, check: HealthCheckConfig) async -> ProbeResult {
        let alive = world.aliveInstances.contains { $0.port == upstream.port }
        guard alive else { return ProbeResult(healthy: false, reason: "connection refused") }
        if world.state.withLock({ $0.failingPaths.contains(check.path) }) {
            return ProbeResult(healthy: false, status: 500, reason: "expected status 200, got 500")
        }
        let service = world.aliveInstances.first { $0.port == upstream.port }!.key
        let version = await store.releases(service: service).first { $0.id == upstream.releaseID }?.version ?? "?"
        if world.state.withLock({ $0.unhealthyVersions.contains(version) || $0.unhealthyPorts.contains(upstream.port) }) {
            return ProbeResult(healthy: false, status: 503, body: "{\"status\":\"failing\"}", reason: "expected status 200, got 503")
        }
        return ProbeResult(healthy: true, status: 200)
    }
}
