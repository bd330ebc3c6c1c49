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
            let upstream = routing.upstream.map { upstream in
                let slot = self.upstream(upstream)
                slot.reinstate()
                return slot
            }
            let target = LoopRoute(
                upstream: upstream,
                hold: routing.control.pausedHoldMilliseconds.map { TimeAmount.milliseconds($0) },
                maintenance: routing.control.maintenance
            )
            entries.append(.init(service: service, route: route, target: target))
        }
        routes = RouteTable(entries)
        guard held.count > 0 else { return }
        let released = held.release { service in
            guard let routing = state.services[service] else { return true }
            return !routing.control.isPaused || routing.control.maintenance != nil || routing.route == nil
        }
        for handler in released { handler.releaseHeld() }
    }

    private func upstream(_ upstream: Upstream) -> LoopUpstream {
        if let existing = upstreams[upstream] { return existing }
        let created = LoopUpstream(upstream: upstream, eventLoop: eventLoop, settings: settings) { [weak self] retired in
            guard let self, self.upstreams[retired.upstream] === retired else { return }
            self.upstreams[retired.upstream] = nil
        }
        upstreams[upstream] = created
        return created
    }

    private func isRouted(_ slot: LoopUpstream) -> Bool {
        routes.entries.contains { $0.target.upstream === slot }
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
