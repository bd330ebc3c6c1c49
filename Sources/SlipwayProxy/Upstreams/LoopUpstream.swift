import NIOCore
import NIOPosix
import SlipwayModel

/// One upstream as seen from one event loop: its keep-alive pool, its in-flight count and counters.
///
/// Everything here is touched only on `eventLoop`, so the request path needs no lock and no atomic:
/// a client connection and the upstream connections it leases live on the same loop.
final class LoopUpstream {
    let upstream: Upstream
    let eventLoop: EventLoop
    private let settings: ProxySettings
    /// Resolved once when the host is an IP literal, so connecting never waits on a resolver.
    private let address: SocketAddress?
    /// Most recently used last: reusing the warmest connection makes the keep-alive race rarer.
    private var idle: [UpstreamConnection] = []
    private(set) var inFlight = 0
    /// The count across every loop, which the choice of an instance reads.
    private(set) var load: UpstreamLoad
    var counters = UpstreamCounters()
    private var idleWaiters: [EventLoopPromise<Void>] = []
    /// Drained while no route leads here: dropped from its loop once nothing is in flight.
    private(set) var retired = false
    private let onRetired: (LoopUpstream) -> Void

    init(upstream: Upstream, load: UpstreamLoad, eventLoop: EventLoop, settings: ProxySettings,
         onRetired: @escaping (LoopUpstream) -> Void) {
        self.upstream = upstream
        self.load = load
        self.eventLoop = eventLoop
        self.settings = settings
        self.address = try? SocketAddress(ipAddress: upstream.host, port: upstream.port)
        self.onRetired = onRetired
    }

    var idleCount: Int { idle.count }

    // MARK: In-flight accounting

    func requestStarted() {
        inFlight += 1
        load.started()
    }

    func requestFinished() {
        inFlight -= 1
        load.finished()
        guard inFlight == 0 else { return }
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.succeed() }
        if retired {
            closeIdleConnections()
            onRetired(self)
        }
    }

    /// Succeeds once nothing is in flight here.
    func whenIdle() -> EventLoopFuture<Void> {
        if inFlight == 0 { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        idleWaiters.append(promise)
        return promise.futureResult
    }

    /// Marks this upstream as drained and unrouted: its idle connections close now, and it leaves
    /// its loop as soon as its last in-flight request ends.
    func retire() {
        retired = true
        closeIdleConnections()
        if inFlight == 0 { onRetired(self) }
    }

    /// Routed again. `load` is the upstream's shared count now: a new one only when every loop's
    /// count had reached zero, so nothing counted on the old one is lost.
    func reinstate(load: UpstreamLoad) {
        retired = false
        if inFlight == 0 { self.load = load }
    }

    // MARK: Pool

    /// An idle connection that still looks open, most recently used first.
    func takeIdleConnection() -> UpstreamConnection? {
        while let connection = idle.popLast() {
            if connection.isActive { return connection }
        }
        return nil
    }

    /// Takes a connection back after a complete exchange.
    func release(_ connection: UpstreamConnection) {
        connection.delegate = nil
        guard !retired, connection.isActive, connection.isReusable, idle.count < settings.maxIdleConnectionsPerUpstream else {
            connection.close()
            return
        }
        // Idle connections keep reading so an upstream's close is seen at once.
        connection.setReadsPaused(false)
        idle.append(connection)
    }

    func connectionClosed(_ connection: UpstreamConnection) {
        if let index = idle.lastIndex(where: { $0 === connection }) {
            idle.remove(at: index)
        }
    }

    func closeIdleConnections() {
        let connections = idle
        idle.removeAll()
        for connection in connections { connection.close() }
    }

    /// Opens a new connection on this loop; `completion` runs on this loop.
    func connect(_ completion: @escaping (Result<UpstreamConnection, Error>) -> Void) {
        let pool = NIOLoopBound(self, eventLoop: eventLoop)
        // ClientBootstrap sets TCP_NODELAY itself (`.tcpOption`; `.socketOption(.tcp_nodelay)` would be SO_DEBUG).
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.writeBufferWaterMark, value: settings.writeBufferWaterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // One handler: it encodes requests and frames responses itself.
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(pool: pool.value))
                }
            }
        let connected: EventLoopFuture<Channel>
        if let address {
            connected = bootstrap.connect(to: address)
        } else {
            connected = bootstrap.connect(host: upstream.host, port: upstream.port)
        }
        connected.assumeIsolated().whenComplete { result in
            if case .success = result { self.counters.connectionsOpened += 1 }
            completion(result.flatMap { channel in
                Result { try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self) }
            })
        }
    }
}
