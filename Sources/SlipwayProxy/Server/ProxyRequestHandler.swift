import Logging
import NIOCore
import NIOHTTP1

/// The handler of one client connection: routes each request, leases an upstream connection on
/// the same event loop, and glues the two channels together for the length of one exchange.
/// It is the only handler of its channel: requests are framed here (`RequestFramer`, strict: it is
/// what stands between a client and request smuggling) and go upstream as bytes with only the
/// proxy's header changes; responses come back the same way (`ClientResponseHead`). No message
/// is decoded into NIOHTTP1 values and encoded again, and no part is boxed from handler to handler.
///
/// Backpressure both ways: the client is not read while the upstream connection can't take more
/// (or doesn't exist yet), and the upstream is not read while the client can't take more; so a
/// body of any size passes with at most a few write buffers of it in memory.
///
/// It also does what NIO's `HTTPServerPipelineHandler` would (pipelined requests wait for the
/// response before theirs; a quiescing connection closes after its current response) without
/// suspending reads after every request: toggling read interest costs two `epoll_ctl` calls
/// per request, a tenth of the proxy's time in profiles.
final class ProxyRequestHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        case idle
        case proxying(Exchange)
        /// Its service is paused: the request waits in `LoopState.held`, the client isn't read, and
        /// what was already read of it (and of requests after it) waits in `queued`.
        case held(HeldRequest)
        /// A response went out before its request ended: the rest of the body is read and dropped,
        /// as nginx discards it, so the connection can carry the next request.
        case discardingRequestBody
        /// A static site's file too large for the cache going out over TLS a chunk at a time
        /// (`FileTransfer`); pipelined requests wait as behind an exchange.
        case sendingFile(FileTransfer)
        case closed
    }

    let loop: LoopState
    let logger: Logger
    var state = State.idle
    var context: ChannelHandlerContext!
    /// A read the client side asked for while the upstream couldn't take more.
    var readPending = false
    private var clientAddress: String?
    /// Pipelined request parts that wait for the current exchange to end.
    var queued = PartQueue<RequestPart>()
    private var framer = RequestFramer()
    /// A request that couldn't be framed behind complete ones: refused once they are answered.
    private var refusal: FramingError?
    private var delivering = false
    /// Close after the current response: a graceful shutdown, or a request body that timed out.
    var quiescing = false
    /// Quiescing for a hand-off: an idle connection is not closed at once (see `LingeringQuiesceEvent`).
    var lingering = false
    /// Since when no request has been in progress (between requests, or while a head is still
    /// arriving); nil during an exchange. `closeIfStalled` closes the connection once
    /// this is older than the client idle timeout.
    private(set) var idleSince: NIODeadline? = .now()
    /// During an exchange whose request is still arriving: when the client last sent part of it (or
    /// was last asked for more after a pause for the upstream). `closeIfStalled` times a body that
    /// stops arriving (slowloris on the body) from here.
    var clientProgress: NIODeadline = .now()
    /// While the client's channel is unwritable: since when the client has taken none of what was
    /// written to it (a client that doesn't read its response holds the upstream connection too),
    /// and its `SendBacklog` at the sweep's last look.
    var unwritableSince: NIODeadline?
    var backlogAtLastLook = Int.max
    /// One timer per connection, not per request: it fires at the earliest deadline it knew of and
    /// re-arms itself for a later one, so a keep-alive connection schedules about one timer per
    /// `upstreamTimeout` instead of one per request.
    var responseTimer: Scheduled<Void>?

    /// Whether the client's connection is TLS (terminated in front of this handler).
    let secure: Bool

    init(loop: LoopState, logger: Logger, secure: Bool = false) {
        self.loop = loop
        self.logger = logger
        self.secure = secure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientAddress = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loop.clients.closed(context.channel)
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        do {
            while let part = try framer.next(&buffer) {
                if case .closed = state { return }
                if queued.isEmpty {
                    handle(part)
                } else {
                    queued.append(part)
                }
            }
        } catch {
            refuse(error)
        }
    }

    private func handle(_ part: RequestPart) {
        switch (state, part) {
        case (.idle, .head(let head)):
            start(head)
        case (.proxying(let exchange), .body(let body)):
            forward(body, of: exchange)
        case (.proxying(let exchange), .end):
            endRequest(of: exchange)
        case (.sendingFile(let transfer), .end):
            transfer.requestEnded = true
        case (.sendingFile, .body):
            clientProgress = .now()
        case (.proxying, .head), (.held, _), (.sendingFile, .head):
            // Pipelined, or behind a held request: it waits, and the client isn't read meanwhile.
            queued.append(part)
        case (.discardingRequestBody, .body):
            clientProgress = .now()
        case (.closed, _):
            break
        case (.discardingRequestBody, .end):
            becomeIdle()
        case (.idle, .body), (.idle, .end), (.discardingRequestBody, .head):
            // The framer makes these impossible: give up the connection rather than guess.
            logger.error("unexpected request part; closing the client connection")
            closeClient()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state, let connection = exchange.connection {
            connection.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if mayRead {
            context.read()
        } else {
            readPending = true
        }
    }

    /// Whether the client may be read now: not while pipelined requests wait, nor while a request
    /// body has nowhere to go.
    var mayRead: Bool {
        guard queued.isEmpty else { return false }
        if case .held = state { return false }
        if case .proxying(let exchange) = state, !exchange.requestEnded {
            guard let connection = exchange.connection else { return false }
            return connection.isWritable
        }
        return true
    }

    func releasePendingRead() {
        if readPending && mayRead {
            readPending = false
            // The pause was the upstream's doing: the client's time runs from now.
            clientProgress = .now()
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        let lingeringQuiesce = event is LingeringQuiesceEvent
        guard event is ChannelShouldQuiesceEvent || lingeringQuiesce else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        // A held request's own parts are in `queued`: kept for when it is resumed or expires (it
        // is then answered with `Connection: close`, and what is behind it never delivered).
        if case .held = state {} else { queued.removeAll() }
        if lingeringQuiesce {
            // Its client may be sending the next request right now: closed by the sweep once idle
            // for `lingerWhenQuiesced`, or after the response to that request.
            lingering = true
            return
        }
        if case .idle = state { closeClient() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        unwritableSince = writable ? nil : .now()
        backlogAtLastLook = .max
        if case .proxying(let exchange) = state, let connection = exchange.connection {
            connection.setReadsPaused(!writable)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandonExchange()
        state = .closed
        queued.removeAll()
        readPending = false
        responseTimer?.cancel()
        responseTimer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("client connection failed", metadata: ["error": "\(error)"])
        closeClient()
    }

    /// A request that can't be framed is answered 400 (431 for a head too large) in its turn,
    /// after the complete requests before it, and the connection closes; nothing after it is read
    /// (the framer refuses everything once it has failed). Broken bytes inside a body that is
    /// being forwarded or discarded can only cut the connection.
    private func refuse(_ error: Error) {
        logger.debug("refusing a request", metadata: ["error": "\(error)"])
        guard let error = error as? FramingError else {
            closeClient()
            return
        }
        switch state {
        case .idle:
            sendRefusal(error)
        case .proxying(let exchange) where exchange.requestEnded && queuedRequestsAreComplete:
            refusal = error
        case .held where queuedRequestsAreComplete:
            refusal = error
        case .sendingFile(let transfer) where transfer.requestEnded && queuedRequestsAreComplete:
            refusal = error
        case .proxying, .held, .sendingFile, .discardingRequestBody, .closed:
            closeClient()
        }
    }

    private var queuedRequestsAreComplete: Bool {
        guard let last = queued.last else { return true }
        if case .end = last { return true }
        return false
    }

    private func sendRefusal(_ error: FramingError) {
        let context = self.context!
        state = .closed
        queued.removeAll()
        context.writeAndFlush(wrapOutboundOut(LocalResponse.refusal(error, allocator: context.channel.allocator))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// A response head went out and its end has not.
    private var responseStarted: Bool {
        if case .proxying(let exchange) = state { return exchange.responseHead != nil }
        return false
    }

    func closeClient() {
        abandonExchange()
        state = .closed
        queued.removeAll()
        context.close(promise: nil)
    }

    /// The client side can no longer complete the exchange in progress (it reset, failed or closed):
    /// its upstream connection is closed (it may still be sending) and the request stops counting
    /// as in flight, so a drain of that upstream doesn't wait for it.
    private func abandonExchange() {
        if case .held(let held) = state {
            state = .closed
            loop.held.remove(self, for: held.service)
            return
        }
        if case .sendingFile = state {
            abandonTransfer()
            return
        }
        guard case .proxying(let exchange) = state else { return }
        state = .closed
        exchange.cancelTimeout()
        if let connection = exchange.connection {
            exchange.connection = nil
            connection.delegate = nil
            connection.close()
        }
        exchange.upstream.counters.clientAborts += 1
        exchange.upstream.requestFinished()
    }

    /// The connection is ready for its next request: take a pipelined one or read on.
    func becomeIdle() {
        state = .idle
        idleSince = .now()
        if quiescing {
            closeClient()
            return
        }
        deliverQueued()
        releasePendingRead()
    }

    func deliverQueued() {
        guard !delivering else { return }
        delivering = true
        defer { delivering = false }
        while let part = queued.first {
            if case .held = state { return }
            if case .head = part, !isIdle { return }
            _ = queued.popFirst()
            handle(part)
        }
        if let refusal, isIdle {
            self.refusal = nil
            sendRefusal(refusal)
        }
    }

    private var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    // MARK: Request

    /// Routes a request and starts its exchange, or answers it, or holds it. `heldSince`: when a
    /// request released from a hold first arrived (a hold it meets again runs from then).
    func start(_ head: RequestHead, heldSince: NIODeadline? = nil) {
        idleSince = nil
        clientProgress = .now()
        let request = ClientRequest(
            method: head.method,
            version: head.version,
            keepAlive: head.keepAlive,
            expectsContinue: head.expectsContinue
        )
        // WebSocket and other upgrades are refused plainly. `h2c` is an offer a server may ignore
        // (RFC 9110 §7.8): it is dropped with the other hop-by-hop headers and HTTP/1.1 goes on.
        // CONNECT asks for a tunnel, which this proxy doesn't make either.
        if let upgrade = head.upgrade, !upgrade.lowercased().hasPrefix("h2c") {
            respondLocally(.upgradeNotSupported, to: request, requestEnded: false)
            return
        }
        if head.method == .CONNECT {
            respondLocally(.connectNotSupported, to: request, requestEnded: false)
            return
        }
        if !secure, let answer = plainAnswer(head) {
            respondLocally(answer, to: request, requestEnded: false)
            return
        }
        guard let route = loop.routes.match(hostHeader: head.host, uri: head.target) else {
            respondLocally(.noRoute, to: request, requestEnded: false)
            return
        }
        if let message = route.target.maintenance {
            respondLocally(.maintenance(message, html: head.acceptsHTML), to: request, requestEnded: false)
            return
        }
        if let hold = route.target.hold {
            self.hold(head, request, service: route.service, since: heldSince ?? .now(), for: hold)
            return
        }
        guard let choice = route.target.backends?.choose(head) else {
            respondLocally(.noUpstream(service: route.service), to: request, requestEnded: false)
            return
        }
        if let site = choice.upstream.upstream.site {
            serveStatic(head, request, site: site, choice: choice, route: route)
            return
        }
        let upstream = choice.upstream
        upstream.requestStarted()
        let forwarded = ForwardedHeaders.upstreamRequest(
            head,
            clientAddress: clientAddress,
            secure: secure,
            upstream: upstream.upstream,
            allocator: context.channel.allocator
        )
        let exchange = Exchange(
            service: route.service,
            upstream: upstream,
            upstreamHead: forwarded,
            client: request,
            setCookie: choice.setCookie
        )
        state = .proxying(exchange)
        if let connection = upstream.takeIdleConnection() {
            attach(connection, to: exchange, reused: true)
        } else {
            connect(exchange)
        }
    }

    private func forward(_ body: ByteBuffer, of exchange: Exchange) {
        clientProgress = .now()
        guard let connection = exchange.connection else {
            exchange.pendingParts.append(.body(body))
            return
        }
        if body.readableBytes > 0 { exchange.bodyForwarded = true }
        connection.writeBody(body)
    }

    private func endRequest(of exchange: Exchange) {
        exchange.requestEnded = true
        guard let connection = exchange.connection else {
            exchange.pendingParts.append(.end)
            return
        }
        // Flushed here too: pipelined parts replayed from `queued` are not followed by a read-complete.
        connection.flush()
        exchange.requestSent = true
        if exchange.responseHead == nil { armTimeout(exchange) }
    }

    // MARK: Upstream connection

    func connect(_ exchange: Exchange) {
        exchange.upstream.connect { result in
            guard case .proxying(let current) = self.state, current === exchange else {
                // The client left while we connected; the connection is new and clean, keep it.
                if case .success(let connection) = result { exchange.upstream.release(connection) }
                return
            }
            switch result {
            case .success(let connection):
                self.attach(connection, to: exchange, reused: false)
            case .failure(let error):
                exchange.upstream.counters.connectFailures += 1
                self.fail(exchange, with: .unreachable(
                    service: exchange.service,
                    upstream: exchange.upstream.upstream.description,
                    reason: ConnectionFailure.describe(error)
                ))
            }
        }
    }

    func attach(_ connection: UpstreamConnection, to exchange: Exchange, reused: Bool) {
        exchange.connection = connection
        exchange.connectionWasReused = reused
        connection.delegate = self
        connection.setReadsPaused(!context.channel.isWritable)
        connection.writeHead(exchange.upstreamHead, method: exchange.client.method)
        while let part = exchange.pendingParts.popFirst() {
            switch part {
            case .body(let body):
                if body.readableBytes > 0 { exchange.bodyForwarded = true }
                connection.writeBody(body)
            case .end:
                exchange.requestSent = true
            }
        }
        connection.flush()
        if exchange.requestSent { armTimeout(exchange) }
        releasePendingRead()
    }
}
