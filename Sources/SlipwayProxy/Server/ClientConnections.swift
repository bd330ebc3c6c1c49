import NIOCore

/// The client connections open on one event loop, so a graceful shutdown can ask each to finish
/// its current exchange and close (`ChannelShouldQuiesceEvent`, which ProxyRequestHandler acts on:
/// idle connections close at once, busy ones after their response) and wait until all are gone.
///
/// One per loop, touched only on that loop: registering a connection takes no lock shared by the
/// loops and allocates no close-future callback (ProxyRequestHandler reports the close). It also
/// closes connections idle or stalled past the client idle timeout (`closeStalled`, swept periodically): one
/// timestamp per connection, no timer per request.
final class ClientConnections {
    private let eventLoop: EventLoop
    private var channels: [ObjectIdentifier: Channel] = [:]
    private var handlers: [ObjectIdentifier: ProxyRequestHandler] = [:]
    private var quiescing = false
    private var lingering = false
    private var waiters: [EventLoopPromise<Void>] = []
    /// Connections this loop has accepted since the proxy started.
    private(set) var accepted = 0

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// A new connection; asked at once to close when idle if a shutdown has begun.
    func opened(_ channel: Channel, handler: ProxyRequestHandler) {
        accepted += 1
        channels[ObjectIdentifier(channel)] = channel
        handlers[ObjectIdentifier(channel)] = handler
        if quiescing { Self.quiesce(channel, lingering: lingering) }
    }

    func closed(_ channel: Channel) {
        handlers.removeValue(forKey: ObjectIdentifier(channel))
        guard channels.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }
        if quiescing && channels.isEmpty { succeedWaiters() }
    }

    /// Asks every connection, now and later, to close once idle: at once, or, `lingering`, after its
    /// next response or a second without one (`LingeringQuiesceEvent`).
    func quiesceAll(lingering: Bool = false) {
        guard !quiescing else { return }
        quiescing = true
        self.lingering = lingering
        for channel in channels.values { Self.quiesce(channel, lingering: lingering) }
        if channels.isEmpty { succeedWaiters() }
    }

    /// Closes every connection whose client has made no progress for `timeout`: idle, or stalled
    /// sending its request or reading its response (`ProxyRequestHandler.closeIfStalled`).
    /// Returns how many it closed.
    @discardableResult
    func closeStalled(now: NIODeadline, timeout: TimeAmount) -> Int {
        var closed = 0
        for handler in handlers.values where handler.closeIfStalled(now: now, timeout: timeout) {
            closed += 1
        }
        return closed
    }

    func closeAll() {
        for channel in channels.values { channel.close(promise: nil) }
    }

    /// Succeeds once `quiesceAll` was called and every connection has closed.
    func whenAllClosed() -> EventLoopFuture<Void> {
        if quiescing && channels.isEmpty { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        waiters.append(promise)
        return promise.futureResult
    }

    private func succeedWaiters() {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.succeed() }
    }

    private static func quiesce(_ channel: Channel, lingering: Bool) {
        channel.pipeline.fireUserInboundEventTriggered(lingering ? LingeringQuiesceEvent() as Any : ChannelShouldQuiesceEvent())
    }
}

/// A quiesce for a hand-off to a successor process: the listening sockets stay open in the
/// successor, so there is no hurry, and closing an idle keep-alive connection at once races with a
/// client sending its next request on it (the request is lost: wrk counted about ten per reload
/// under keep-alive load). Such a connection answers its next request with `Connection: close`, or
/// closes after a second without one, as Envoy's drain does for HTTP/1.1.
struct LingeringQuiesceEvent {}
