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

    func respond(to exchange: Exchange, head: ResponseHead, on connection: UpstreamConnection) {
        let allocator = context.channel.allocator
        if head.isInformational {
            // 100 Continue and friends go to HTTP/1.1 clients as they come; the final head follows.
            if exchange.client.version.minor >= 1 {
                let informational = ClientResponseHead(head, to: exchange.client, forceClose: false, allocator: allocator)
                context.write(wrapOutboundOut(informational.bytes), promise: nil)
            }
            return
        }
        exchange.cancelTimeout()
        // A client told "no" before sending its body may never send it: don't wait to read it.
        let unreadBody = !exchange.requestEnded && exchange.client.expectsContinue
        let clientHead = ClientResponseHead(head, to: exchange.client, forceClose: unreadBody || quiescing,
                                            setCookie: exchange.setCookie, allocator: allocator)
        exchange.responseHead = head
        exchange.closeClientAfterResponse = clientHead.close
        if clientHead.dechunk { connection.setForwardsChunkFraming(false) }
        context.write(wrapOutboundOut(clientHead.bytes), promise: nil)
    }

    func finishResponse(_ exchange: Exchange, on connection: UpstreamConnection) {
        exchange.connection = nil
        exchange.cancelTimeout()
        connection.completedRequests += 1
        let responseHead = exchange.responseHead
        if exchange.requestSent, responseHead?.keepAlive == true {
            exchange.upstream.release(connection)
        } else {
            // The upstream closes it, or it still expects request body we won't send.
            connection.delegate = nil
            connection.close()
        }
        exchange.upstream.counters.recordStatus(UInt(responseHead?.status ?? 0))
        let elapsed = (NIODeadline.now() - exchange.startedAt).nanoseconds
        exchange.upstream.counters.latency.record(microseconds: UInt64(max(0, elapsed) / 1000))
        exchange.upstream.requestFinished()

        let close = exchange.closeClientAfterResponse || quiescing
        state = close ? .closed : (exchange.requestEnded ? .idle : .discardingRequestBody)
        writeEnd(close: close)
        afterResponse()
    }

    /// After a response's end went out: the next request, the rest of this one's body, or nothing.
    func afterResponse() {
        switch state {
        case .idle: becomeIdle()
        case .discardingRequestBody: releasePendingRead()
        case .proxying, .held, .sendingFile, .closed: break
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
        context.write(wrapOutboundOut(response.encoded(for: request, close: close, allocator: context.channel.allocator)), promise: nil)
        writeEnd(close: close)
        afterResponse()
    }

    /// A response's last bytes are written: flush them, and close once they are sent if `close`.
    func writeEnd(close: Bool) {
        guard close else {
            context.flush()
            return
        }
        let context = self.context!
        // An empty write whose promise completes once everything before it has been sent.
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension ProxyRequestHandler: UpstreamConnectionDelegate {
    func upstreamConnection(_ connection: UpstreamConnection, received part: ResponsePart) {
        guard case .proxying(let exchange) = state, exchange.connection === connection else { return }
        switch part {
        case .head(let head):
            respond(to: exchange, head: head, on: connection)
        case .body(let body):
            context.write(wrapOutboundOut(body), promise: nil)
        case .end:
            finishResponse(exchange, on: connection)
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
                exchange.pendingParts.append(.end)
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
