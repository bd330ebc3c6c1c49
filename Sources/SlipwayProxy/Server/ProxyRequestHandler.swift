import Logging
import NIOCore
import NIOHTTP1

/// The handler of one client connection: routes each request, leases an upstream connection on
/// the same event loop, and glues the two channels together for the length of one exchange.
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
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case proxying(Exchange)
        /// A response went out before its request ended: the rest of the body is read and dropped,
        /// as nginx discards it, so the connection can carry the next request.
        case discardingRequestBody
        case closed
    }

    private let loop: LoopState
    private let logger: Logger
    private var state = State.idle
    private var context: ChannelHandlerContext!
    /// A read the client side asked for while the upstream couldn't take more.
    private var readPending = false
    private var clientAddress: String?
    /// Pipelined request parts that wait for the current exchange to end.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var delivering = false
    /// Graceful shutdown: close after the current response.
    private var quiescing = false
    /// One timer per connection, not per request: it fires at the earliest deadline it knew of and
    /// re-arms itself for a later one, so a keep-alive connection schedules about one timer per
    /// `upstreamTimeout` instead of one per request.
    private var responseTimer: Scheduled<Void>?

    init(loop: LoopState, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientAddress = context.channel.remoteAddress?.ipAddress
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if queued.isEmpty {
            handle(part)
        } else {
            queued.append(part)
        }
    }

    private func handle(_ part: HTTPServerRequestPart) {
        switch (state, part) {
        case (.idle, .head(let head)):
            start(head)
        case (.proxying(let exchange), .body(let body)):
            forward(body, of: exchange)
        case (.proxying(let exchange), .end(let trailers)):
            endRequest(trailers, of: exchange)
        case (.proxying, .head):
            // Pipelined: it waits for the current response, and the client isn't read meanwhile.
            queued.append(part)
        case (.discardingRequestBody, .body), (.closed, _):
            break
        case (.discardingRequestBody, .end):
            becomeIdle()
        case (.idle, .body), (.idle, .end), (.discardingRequestBody, .head):
            // The decoder makes these impossible: give up the connection rather than guess.
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
    private var mayRead: Bool {
        guard queued.isEmpty else { return false }
        if case .proxying(let exchange) = state, !exchange.requestEnded {
            guard let connection = exchange.connection else { return false }
            return connection.isWritable
        }
        return true
    }

    private func releasePendingRead() {
        if readPending && mayRead {
            readPending = false
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        queued.removeAll()
        if case .idle = state { closeClient() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state, let connection = exchange.connection {
            connection.setReadsPaused(!context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state {
            exchange.cancelTimeout()
            if let connection = exchange.connection {
                exchange.connection = nil
                connection.delegate = nil
                connection.close()
            }
            exchange.upstream.counters.clientAborts += 1
            exchange.upstream.requestFinished()
        }
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

    private func closeClient() {
        state = .closed
        queued.removeAll()
        context.close(promise: nil)
    }

    /// The connection is ready for its next request: take a pipelined one or read on.
    private func becomeIdle() {
        state = .idle
        if quiescing {
            closeClient()
            return
        }
        deliverQueued()
        releasePendingRead()
    }

    private func deliverQueued() {
        guard !delivering else { return }
        delivering = true
        defer { delivering = false }
        while let part = queued.first {
            if case .head = part, !isIdle { return }
            queued.removeFirst()
            handle(part)
        }
    }

    private var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    // MARK: Request

    private func start(_ head: HTTPRequestHead) {
        let facts = RequestHeaderFacts(head.headers)
        let request = ClientRequest(
            method: head.method,
            version: head.version,
            keepAlive: head.isKeepAlive,
            expectsContinue: facts.expectsContinue
        )
        // WebSocket and other upgrades are refused plainly. `h2c` is an offer a server may ignore
        // (RFC 9110 §7.8): it is dropped with the other hop-by-hop headers and HTTP/1.1 goes on.
        if let upgrade = facts.upgrade, !upgrade.lowercased().hasPrefix("h2c") {
            respondLocally(.upgradeNotSupported, to: request, requestEnded: false)
            return
        }
        guard let route = loop.routes.match(hostHeader: facts.host, uri: head.uri) else {
            respondLocally(.noRoute, to: request, requestEnded: false)
            return
        }
        guard let upstream = route.target else {
            respondLocally(.noUpstream(service: route.service), to: request, requestEnded: false)
            return
        }
        upstream.requestStarted()
        let exchange = Exchange(
            service: route.service,
            upstream: upstream,
            upstreamHead: ForwardedHeaders.upstreamRequest(head, clientAddress: clientAddress, upstream: upstream.upstream),
            client: request
        )
        state = .proxying(exchange)
        if let connection = upstream.takeIdleConnection() {
            attach(connection, to: exchange, reused: true)
        } else {
            connect(exchange)
        }
    }

    private func forward(_ body: ByteBuffer, of exchange: Exchange) {
        guard let connection = exchange.connection else {
            exchange.pendingParts.append(.body(.byteBuffer(body)))
            return
        }
        if body.readableBytes > 0 { exchange.bodyForwarded = true }
        connection.write(.body(.byteBuffer(body)))
    }

    private func endRequest(_ trailers: HTTPHeaders?, of exchange: Exchange) {
        exchange.requestEnded = true
        guard let connection = exchange.connection else {
            exchange.pendingParts.append(.end(trailers))
            return
        }
        connection.write(.end(trailers))
        // Flushed here too: pipelined parts replayed from `queued` are not followed by a read-complete.
        connection.flush()
        exchange.requestSent = true
        if exchange.responseHead == nil { armTimeout(exchange) }
    }

    // MARK: Upstream connection

    private func connect(_ exchange: Exchange) {
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

    private func attach(_ connection: UpstreamConnection, to exchange: Exchange, reused: Bool) {
        exchange.connection = connection
        exchange.connectionWasReused = reused
        connection.delegate = self
        connection.setReadsPaused(!context.channel.isWritable)
        connection.write(.head(exchange.upstreamHead))
        while let part = exchange.pendingParts.popFirst() {
            switch part {
            case .body(let body):
                if body.readableBytes > 0 { exchange.bodyForwarded = true }
            case .end:
                exchange.requestSent = true
            case .head:
                break
            }
            connection.write(part)
        }
        connection.flush()
        if exchange.requestSent { armTimeout(exchange) }
        releasePendingRead()
    }

    private func armTimeout(_ exchange: Exchange) {
        let deadline = NIODeadline.now() + loop.settings.upstreamTimeout
        exchange.responseDeadline = deadline
        if responseTimer == nil { scheduleResponseTimer(at: deadline) }
    }

    private func scheduleResponseTimer(at deadline: NIODeadline) {
        responseTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.responseTimerFired()
        }
    }

    private func responseTimerFired() {
        responseTimer = nil
        guard case .proxying(let exchange) = state, let deadline = exchange.responseDeadline else { return }
        if deadline <= .now() {
            timedOut(exchange)
        } else {
            scheduleResponseTimer(at: deadline)
        }
    }

    private func timedOut(_ exchange: Exchange) {
        exchange.upstream.counters.timeouts += 1
        fail(exchange, with: .timedOut(
            service: exchange.service,
            upstream: exchange.upstream.upstream.description,
            after: loop.settings.upstreamTimeout
        ))
    }

    // MARK: Response

    private func respond(to exchange: Exchange, head: HTTPResponseHead) {
        if head.status.code < 200 && head.status != .switchingProtocols {
            // 100 Continue and friends go to HTTP/1.1 clients as they come; the final head follows.
            if exchange.client.version.minor >= 1 {
                let informational = ForwardedHeaders.clientResponse(head, to: exchange.client).head
                context.write(wrapOutboundOut(.head(informational)), promise: nil)
            }
            return
        }
        exchange.cancelTimeout()
        // A client told "no" before sending its body may never send it: don't wait to read it.
        let unreadBody = !exchange.requestEnded && exchange.client.expectsContinue
        let (clientHead, close) = ForwardedHeaders.clientResponse(head, to: exchange.client, close: unreadBody || quiescing)
        exchange.responseHead = head
        exchange.closeClientAfterResponse = close
        context.write(wrapOutboundOut(.head(clientHead)), promise: nil)
    }

    private func finishResponse(_ exchange: Exchange, on connection: UpstreamConnection, trailers: HTTPHeaders?) {
        exchange.connection = nil
        exchange.cancelTimeout()
        connection.completedRequests += 1
        let responseHead = exchange.responseHead
        if exchange.requestSent, responseHead?.isKeepAlive == true {
            exchange.upstream.release(connection)
        } else {
            // The upstream closes it, or it still expects request body we won't send.
            connection.delegate = nil
            connection.close()
        }
        exchange.upstream.counters.recordStatus(responseHead?.status.code ?? 0)
        exchange.upstream.requestFinished()

        let close = exchange.closeClientAfterResponse || quiescing
        state = close ? .closed : (exchange.requestEnded ? .idle : .discardingRequestBody)
        writeEnd(trailers, close: close)
        afterResponse()
    }

    /// After a response's end went out: the next request, the rest of this one's body, or nothing.
    private func afterResponse() {
        switch state {
        case .idle: becomeIdle()
        case .discardingRequestBody: releasePendingRead()
        case .proxying, .closed: break
        }
    }

    /// No response can come from the upstream: answer with a local error.
    private func fail(_ exchange: Exchange, with response: LocalResponse) {
        exchange.cancelTimeout()
        if let connection = exchange.connection {
            exchange.connection = nil
            connection.delegate = nil
            connection.close()
        }
        exchange.pendingParts.removeAll()
        exchange.upstream.requestFinished()
        logger.debug("answering \(response.status.code)", metadata: ["service": "\(exchange.service)", "reason": "\(response.message)"])
        respondLocally(response, to: exchange.client, requestEnded: exchange.requestEnded)
    }

    private func respondLocally(_ response: LocalResponse, to request: ClientRequest, requestEnded: Bool) {
        // A client that awaits `100 Continue` may never send the body we would have to discard.
        let close = !request.keepAlive || quiescing || (!requestEnded && request.expectsContinue)
        state = close ? .closed : (requestEnded ? .idle : .discardingRequestBody)
        let body = response.body(allocator: context.channel.allocator)
        context.write(wrapOutboundOut(.head(response.head(for: request, close: close, bodyLength: body.readableBytes))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        writeEnd(nil, close: close)
        afterResponse()
    }

    private func writeEnd(_ trailers: HTTPHeaders?, close: Bool) {
        guard close else {
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            return
        }
        let context = self.context!
        context.writeAndFlush(wrapOutboundOut(.end(trailers))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension ProxyRequestHandler: UpstreamConnectionDelegate {
    func upstreamConnection(_ connection: UpstreamConnection, received part: HTTPClientResponsePart) {
        guard case .proxying(let exchange) = state, exchange.connection === connection else { return }
        switch part {
        case .head(let head):
            respond(to: exchange, head: head)
        case .body(let body):
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .end(let trailers):
            finishResponse(exchange, on: connection, trailers: trailers)
        }
    }

    func upstreamConnectionReadComplete(_ connection: UpstreamConnection) {
        guard case .proxying(let exchange) = state, exchange.connection === connection else { return }
        context.flush()
    }

    func upstreamConnectionWritabilityChanged(_ connection: UpstreamConnection) {
        guard case .proxying(let exchange) = state, exchange.connection === connection else { return }
        releasePendingRead()
    }

    func upstreamConnection(_ connection: UpstreamConnection, closedWith error: Error?) {
        guard case .proxying(let exchange) = state, exchange.connection === connection else { return }
        exchange.connection = nil
        exchange.cancelTimeout()
        if exchange.responseHead != nil {
            // Too late for a status: the client sees its connection close, as it would have without us.
            exchange.upstream.counters.abortedResponses += 1
            exchange.upstream.requestFinished()
            closeClient()
        } else if exchange.canRetry {
            // The keep-alive race: the upstream closed an idle connection as we sent on it. Nothing
            // was processed, so an idempotent request is replayed once on a fresh connection.
            exchange.retried = true
            exchange.upstream.counters.retries += 1
            if exchange.requestSent {
                exchange.requestSent = false
                exchange.pendingParts.append(.end(nil))
            }
            connect(exchange)
        } else {
            exchange.upstream.counters.closedBeforeResponse += 1
            fail(exchange, with: .unreachable(
                service: exchange.service,
                upstream: exchange.upstream.upstream.description,
                reason: error.map(ConnectionFailure.describe) ?? "connection closed before a response"
            ))
        }
    }
}
