import NIOCore
import NIOHTTP1

// The response half of an exchange: what the upstream connection reports, and the answers the
// proxy gives itself when the upstream can't.
extension ProxyRequestHandler {
    // MARK: Response timeout

    func armTimeout(_ exchange: Exchange) {
        let deadline = NIODeadline.now() + loop.settings.upstreamTimeout
        exchange.responseDeadline = deadline
        if responseTimer == nil { scheduleResponseTimer(at: deadline) }
    }

    func scheduleResponseTimer(at deadline: NIODeadline) {
        responseTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.responseTimerFired()
        }
    }

    func responseTimerFired() {
        responseTimer = nil
        guard case .proxying(let exchange) = state, let deadline = exchange.responseDeadline else { return }
        if deadline <= .now() {
            timedOut(exchange)
        } else {
            scheduleResponseTimer(at: deadline)
        }
    }

    func timedOut(_ exchange: Exchange) {
        exchange.upstream.counters.timeouts += 1
        fail(exchange, with: .timedOut(
            service: exchange.service,
            upstream: exchange.upstream.upstream.description,
            after: loop.settings.upstreamTimeout
        ))
    }

    // MARK: Response

    func respond(to exchange: Exchange, head: HTTPResponseHead) {
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

    func finishResponse(_ exchange: Exchange, on connection: UpstreamConnection, trailers: HTTPHeaders?) {
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
    func afterResponse() {
        switch state {
        case .idle: becomeIdle()
        case .discardingRequestBody: releasePendingRead()
        case .proxying, .closed: break
        }
    }

    /// No response can come from the upstream: answer with a local error.
    func fail(_ exchange: Exchange, with response: LocalResponse) {
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

    func respondLocally(_ response: LocalResponse, to request: ClientRequest, requestEnded: Bool) {
        // A client that awaits `100 Continue` may never send the body we would have to discard.
        let close = !request.keepAlive || quiescing || (!requestEnded && request.expectsContinue)
        state = close ? .closed : (requestEnded ? .idle : .discardingRequestBody)
        let body = response.body(allocator: context.channel.allocator)
        context.write(wrapOutboundOut(.head(response.head(for: request, close: close, bodyLength: body.readableBytes))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        writeEnd(nil, close: close)
        afterResponse()
    }

    func writeEnd(_ trailers: HTTPHeaders?, close: Bool) {
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
            state = .closed
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
