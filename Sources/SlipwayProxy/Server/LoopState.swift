import NIOCore
import SlipwayModel

/// What one event loop needs to proxy a request: its compiled route table and its upstreams.
///
/// `ReverseProxy` publishes every routing change to each loop and waits for all of them, so after
/// `switchTraffic` returns no loop still sends new requests to the old upstream. A request reads
/// `routes` once, in the same event-loop task that counts it in flight: it goes wholly to one
/// upstream, and a `drain` that runs on the loop afterwards sees it.
final class LoopState {
    let eventLoop: EventLoop
    let settings: ProxySettings
    /// The client connections this loop serves.
    let clients: ClientConnections
    /// Requests of paused services waiting on this loop.
    let held: HeldRequests
    /// The files of the static sites this loop serves.
    let files = SiteFiles()
    private(set) var routes = RouteTable<LoopRoute>()
    private var version: UInt64 = 0
    private var upstreams: [Upstream: LoopUpstream] = [:]

    init(eventLoop: EventLoop, settings: ProxySettings) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.clients = ClientConnections(eventLoop: eventLoop)
        self.held = HeldRequests(eventLoop: eventLoop)
    }

    /// Compiles `state` into this loop's route table unless a newer one is already here, then
    /// starts the held requests of services no longer paused (routed by the new table: to the
    /// upstream of now, or to the maintenance page).
    func apply(_ state: RouterState) {
        guard state.version > version else { return }
        version = state.version
        var entries: [RouteTable<LoopRoute>.Entry] = []
        for (service, routing) in state.services {
            guard let route = routing.route else { continue }
            let hold = routing.control.pausedHoldMilliseconds.map { TimeAmount.milliseconds($0) }
            let maintenance = routing.control.maintenance
            let compiled = routing.backends.map { compile($0, loads: state.loads) }
            let sites = Array(Set((routing.backends?.upstreams ?? []).compactMap(\.site))).sorted { $0.root < $1.root }
            entries.append(.init(service: service, route: route,
                                 target: LoopRoute(backends: compiled?.service, hold: hold, maintenance: maintenance,
                                                   sites: sites, retired: routing.retired)))
            // The preview's host is a route of its own, to the preview release only, with the
            // service's path, pause and maintenance.
            if let host = routing.backends?.preview?.host, let preview = compiled?.previewOnly {
                entries.append(.init(service: service, route: RouteConfig(host: host, path: route.path),
                                     target: LoopRoute(backends: preview, hold: hold, maintenance: maintenance,
                                                       sites: sites, retired: routing.retired)))
            }
        }
        routes = RouteTable(entries)
        guard held.count > 0 else { return }
        let released = held.release { service in
            guard let routing = state.services[service] else { return true }
            return !routing.control.isPaused || routing.control.maintenance != nil || routing.route == nil
        }
        for handler in released { handler.releaseHeld() }
    }

    /// A service's backends on this loop, and, when it has a preview release, a second choice
    /// that leads only there (for the preview's host).
    private func compile(_ backends: Backends, loads: [Upstream: UpstreamLoad]) -> (service: LoopBackends, previewOnly: LoopBackends?) {
        func pool(_ release: ReleaseBackends, weight: Int) -> LoopBackends.Pool {
            LoopBackends.Pool(releaseID: release.releaseID, upstreams: release.upstreams.map { upstream in
                let load = loads[upstream] ?? UpstreamLoad()
                let slot = self.upstream(upstream, load: load)
                slot.reinstate(load: load)
                return slot
            }, weight: weight)
        }
        let production = backends.releases.filter { !$0.preview && $0.weight > 0 && !$0.upstreams.isEmpty }
            .map { pool($0, weight: $0.weight) }
        let previewRelease = backends.releases.first { $0.preview && !$0.upstreams.isEmpty }
        let preview = previewRelease.map { pool($0, weight: 1) }
        let service = LoopBackends(production: production, preview: preview, previewHeader: backends.preview?.header,
                                   sticky: backends.sticky, balance: backends.balance)
        let previewOnly = previewRelease.map {
            LoopBackends(production: [pool($0, weight: 1)], preview: nil, previewHeader: nil, sticky: nil, balance: backends.balance)
        }
        return (service, previewOnly)
    }

    private func upstream(_ upstream: Upstream, load: UpstreamLoad) -> LoopUpstream {
        if let existing = upstreams[upstream] { return existing }
        let created = LoopUpstream(upstream: upstream, load: load, eventLoop: eventLoop, settings: settings) { [weak self] retired in
            guard let self, self.upstreams[retired.upstream] === retired else { return }
            self.upstreams[retired.upstream] = nil
        }
        upstreams[upstream] = created
        return created
    }

    private func isRouted(_ slot: LoopUpstream) -> Bool {
        routes.entries.contains { $0.target.backends?.upstreams.contains { $0 === slot } == true }
    }

    /// Succeeds when nothing is in flight to `upstream` on this loop.
    func whenIdle(_ upstream: Upstream) -> EventLoopFuture<Void> {
        upstreams[upstream]?.whenIdle() ?? eventLoop.makeSucceededVoidFuture()
    }

    /// The end of a drain: closes the upstream's idle connections, retires it if no route leads
    /// to it any more, and returns how many requests are still in flight to it here.
    func finishDrain(_ upstream: Upstream) -> Int {
        guard let slot = upstreams[upstream] else { return 0 }
        let inFlight = slot.inFlight
        if isRouted(slot) {
            slot.closeIdleConnections()
        } else {
            slot.retire()
        }
        return inFlight
    }

    func statistics() -> [(upstream: Upstream, inFlight: Int, idle: Int, counters: UpstreamCounters)] {
        upstreams.values.map { ($0.upstream, $0.inFlight, $0.idleCount, $0.counters) }
    }

    func closeAllIdleConnections() {
        for slot in upstreams.values { slot.closeIdleConnections() }
    }
}
