import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SlipwayCore
import SlipwayModel
import Synchronization

/// The built-in HTTP/1.1 reverse proxy: routes requests by host and path prefix to each service's
/// current upstream, with keep-alive pools, streaming bodies both ways, atomic switches and drains.
///
/// Run it as a `Service`; routing calls (`configure`, `switchTraffic`, `drain`) work before and
/// while it runs.
package final class ReverseProxy: TrafficRouter, Service, Sendable {
    let listen: SocketAddressSpec
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let settings: ProxySettings
    /// One per event loop of `group`, touched only on its loop.
    let loops: [ObjectIdentifier: NIOLoopBoundBox<LoopState>]
    let router = Mutex(RouterState())
    let binding = Mutex(Binding.waiting([]))
    let shutdownRequested = Mutex(false)
    /// Listening sockets received from a predecessor; empty: `run` binds `listen` itself.
    let inherited: [CInt]
    /// The listening sockets' descriptors while running, owned here (NIO holds duplicates).
    let listeners = Mutex<[CInt]>([])
    /// Set by `handOffShutdown`: connections linger, and `run` waits for late-registered ones.
    let lingeringShutdown = Mutex(false)
    /// The channels accepting on `listeners` (NIO owns duplicates of those descriptors); empty
    /// while paused for a hand-off.
    let acceptors = Mutex<[Channel]>([])
    /// HTTPS beside plain HTTP; nil: plain only.
    let tls: ProxyTLS?
    /// TLS listening sockets received from a predecessor; empty: `run` binds `tls.listen` itself.
    let inheritedTLS: [CInt]
    /// The TLS listening sockets' descriptors while running, owned here like `listeners`.
    let tlsListeners = Mutex<[CInt]>([])
    /// Where the TLS listener is bound, once it is.
    let boundTLS = Mutex<SocketAddressSpec?>(nil)
    /// `run` waits for this before it drains and returns.
    let stop = Mutex(StopRequest.notYet(nil))

    enum StopRequest {
        case notYet(CheckedContinuation<Void, Never>?)
        case requested
    }

    enum Binding {
        case waiting([CheckedContinuation<SocketAddressSpec, Error>])
        case bound(SocketAddressSpec)
        case failed(Error)
        case finished
    }

    /// - Parameters:
    ///   - upstreamTimeout: longest wait for an upstream's response head once the request was sent; then 504.
    ///   - connectTimeout: longest wait for a connection to an upstream; then 502.
    ///   - maxIdleConnectionsPerUpstream: idle keep-alive connections kept per upstream on each event loop.
    ///   - clientIdleTimeout: a client connection is closed after this long without progress from its
    ///     client: no request in progress (between requests, or still sending a request's head), a
    ///     request body that stopped arriving (answered 408), or a response it doesn't read.
    package init(
        listen: SocketAddressSpec,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton,
        logger: Logger,
        upstreamTimeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(5),
        maxIdleConnectionsPerUpstream: Int = 128,
        clientIdleTimeout: Duration = .seconds(75),
        inheriting inherited: [CInt] = [],
        tls: ProxyTLS? = nil,
        inheritingTLS inheritedTLS: [CInt] = [],
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.listen = listen
        self.inherited = inherited
        self.tls = tls
        self.inheritedTLS = inheritedTLS
        self.group = eventLoopGroup
        self.logger = logger
        let settings = ProxySettings(
            upstreamTimeout: TimeAmount(upstreamTimeout),
            connectTimeout: TimeAmount(connectTimeout),
            maxIdleConnectionsPerUpstream: maxIdleConnectionsPerUpstream,
            clientIdleTimeout: TimeAmount(clientIdleTimeout),
            writeBufferWaterMark: .init(low: 64 * 1024, high: 256 * 1024),
            httpsRedirect: tls?.redirect,
            acmeChallenges: tls?.challenges,
            now: now
        )
        self.settings = settings
        var loops: [ObjectIdentifier: NIOLoopBoundBox<LoopState>] = [:]
        for loop in eventLoopGroup.makeIterator() {
            loops[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(
                LoopState(eventLoop: loop, settings: settings),
                eventLoop: loop
            )
        }
        self.loops = loops
    }

    // MARK: TrafficRouter

    package func configure(service: ServiceKey, route: RouteConfig) async {
        let state = router.withLock { state in
            state.services[service, default: RouterState.Service()].route = route
            state.version += 1
            return state
        }
        await publish(state)
    }

    @discardableResult
    package func switchTraffic(service: ServiceKey, to upstream: Upstream?) async -> Upstream? {
        await route(service: service, to: upstream.map(Backends.single))?.primary
    }

    @discardableResult
    package func route(service: ServiceKey, to backends: Backends?) async -> Backends? {
        let (previous, state) = router.withLock { state in
            let previous = state.services[service]?.backends
            var entry = state.services[service, default: RouterState.Service()]
            entry.backends = backends
            entry.retired = RetiredSite.retained(entry.retired, previous: previous, next: backends, now: settings.now())
            state.services[service] = entry
            state.refreshLoads()
            state.version += 1
            return (previous, state)
        }
        await publish(state)
        logger.info("traffic routed", metadata: [
            "service": "\(service)",
            "from": "\(previous?.summary ?? "none")",
            "to": "\(backends?.summary ?? "none")",
        ])
        return previous
    }

    package func backends(of service: ServiceKey) async -> Backends? {
        router.withLock { $0.services[service]?.backends }
    }

    package func releaseStatistics(of service: ServiceKey) async -> [String: WindowStats] {
        await statistics().windowStats(of: service)
    }

    package func drain(_ upstream: Upstream, timeout: Duration) async -> Int {
        // Every loop already runs the table published by the switch that preceded this drain, and
        // a request is routed and counted in one loop task: the in-flight counts are complete.
        let idle = loops.values.map { box in
            box.eventLoop.flatSubmit { box.value.whenIdle(upstream) }
        }
        await Self.waitForAll(idle, timeout: TimeAmount(timeout), on: group.any())
        var remaining = 0
        for box in loops.values {
            remaining += (try? await box.eventLoop.submit { box.value.finishDrain(upstream) }.get()) ?? 0
        }
        logger.info("drained upstream", metadata: ["upstream": "\(upstream)", "inFlight": "\(remaining)"])
        return remaining
    }

    package func upstream(of service: ServiceKey) async -> Upstream? {
        router.withLock { $0.services[service]?.backends?.primary }
    }

    /// Pauses, resumes, puts in maintenance or takes live a service (`TrafficRouter.changeControl`);
    /// returns once every event loop runs the change (a resume has then started the held requests).
    package func changeControl(_ change: TrafficControlChange, hold: Duration?, message: String?, of service: ServiceKey) async
        -> TrafficControl {
        let (control, state) = router.withLock { state in
            var entry = state.services[service, default: RouterState.Service()]
            entry.control = change.applied(to: entry.control, hold: hold, message: message)
            state.services[service] = entry
            state.version += 1
            return (entry.control, state)
        }
        await publish(state)
        logger.info("traffic control", metadata: ["service": "\(service)", "change": "\(change.rawValue)"])
        return control
    }

    package func control(of service: ServiceKey) async -> TrafficControl {
        router.withLock { $0.services[service]?.control ?? TrafficControl() }
    }

    /// Requests held by a pause on every loop now (for tests: a client that left is not among them).
    package func heldRequestCount() async -> Int {
        var count = 0
        for box in loops.values {
            count += (try? await box.eventLoop.submit { box.value.held.count }.get()) ?? 0
        }
        return count
    }

    /// Stops routing a service: its requests get 404 (or another route's answer).
    package func removeService(_ service: ServiceKey) async {
        let state = router.withLock { state in
            state.services[service] = nil
            state.refreshLoads()
            state.version += 1
            return state
        }
        await publish(state)
    }

    /// Counters of every upstream currently routed to or not yet drained, sorted by upstream.
    package func statistics() async -> [UpstreamStatistics] {
        var merged: [Upstream: (inFlight: Int, idle: Int, counters: UpstreamCounters)] = [:]
        for box in loops.values {
            let rows = (try? await box.eventLoop.submit { box.value.statistics() }.get()) ?? []
            for row in rows {
                let sum = merged[row.upstream] ?? (0, 0, UpstreamCounters())
                merged[row.upstream] = (sum.inFlight + row.inFlight, sum.idle + row.idle, sum.counters + row.counters)
            }
        }
        let state = router.withLock { $0 }
        return merged.map { upstream, sum in
            UpstreamStatistics(
                upstream: upstream,
                services: state.services(routingTo: upstream),
                inFlight: sum.inFlight,
                idleConnections: sum.idle,
                counters: sum.counters
            )
        }.sorted { ($0.upstream.host, $0.upstream.port, $0.upstream.releaseID) < ($1.upstream.host, $1.upstream.port, $1.upstream.releaseID) }
    }

    // MARK: Internals

    /// Installs `state` on every event loop and returns once all of them run it.
    func publish(_ state: RouterState) async {
        for box in loops.values {
            try? await box.eventLoop.submit { box.value.apply(state) }.get()
        }
    }

    /// Waits until every future completes or `timeout` passes, whichever comes first.
    private static func waitForAll(_ futures: [EventLoopFuture<Void>], timeout: TimeAmount, on loop: EventLoop) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            let resumeOnce: @Sendable () -> Void = {
                if once.claim() { continuation.resume() }
            }
            let timer = loop.scheduleTask(in: timeout) { resumeOnce() }
            EventLoopFuture.andAllComplete(futures, on: loop).whenComplete { _ in
                timer.cancel()
                resumeOnce()
            }
        }
    }
}

/// True for the first caller of `claim` only.
private final class OnceFlag: Sendable {
    private let claimed = Atomic(false)

    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }
}
