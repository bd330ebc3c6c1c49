import NIOCore

// A client that holds its connection without progress: idle, or stalled in the middle of an
// exchange. The per-loop sweep (`ClientConnections.closeStalled`) asks each connection.
extension ProxyRequestHandler {
    /// How long an idle connection stays open after a lingering quiesce: long enough that a client
    /// that was about to send its next request has sent it (it is then answered with
    /// `Connection: close`), short enough that the old process of a hand-off is soon gone.
    static let lingerWhenQuiesced = TimeAmount.seconds(1)

    /// Closes the connection if its client has held it for `timeout` without progress, and says
    /// whether it did: nginx's `keepalive_timeout`, `client_header_timeout`, `client_body_timeout`
    /// and `send_timeout` in one, checked by the per-loop sweep (`ClientConnections.closeStalled`).
    /// - No request in progress (between requests, or a head still arriving: a slow client, or
    ///   slowloris): closed; nothing was sent upstream for a partial head.
    /// - A request body that stopped arriving while the upstream could take it: answered 408 if no
    ///   response has begun, and closed; the upstream connection, holding a partial request, is closed.
    /// - A response the client doesn't read (its channel unwritable all that time): closed, and the
    ///   upstream connection with it. A response the *upstream* is slow to send is the upstream
    ///   timeout's business, not this.
    func closeIfStalled(now: NIODeadline, timeout: TimeAmount) -> Bool {
        // Closing already: the sweep may look once more before the channel is gone.
        if case .closed = state { return false }
        if lingering, case .idle = state, let since = idleSince, now - since >= Self.lingerWhenQuiesced {
            closeClient()
            return true
        }
        // Not while a written response still waits for the client (a static file sent by sendfile
        // is written at once, then taken at the client's pace): that is `clientTookNothing`'s case.
        if case .idle = state, unwritableSince == nil, let since = idleSince, now - since >= timeout {
            logger.debug("closing a client connection idle past the idle timeout")
            closeClient()
            return true
        }
        if clientTookNothing(now: now, timeout: timeout) {
            logger.debug("closing a client connection that has not read its response within the idle timeout")
            closeClient()
            return true
        }
        guard awaitsRequestBytes, now - clientProgress >= timeout else { return false }
        logger.debug("closing a client connection whose request body stalled past the idle timeout")
        if case .proxying(let exchange) = state, exchange.responseHead == nil {
            exchange.upstream.counters.clientAborts += 1
            // Closed once the 408 is out (a connection with half a body on it can carry nothing more).
            quiescing = true
            fail(exchange, with: .clientTimedOut(after: timeout))
        } else {
            closeClient()
        }
        return true
    }

    /// Whether the client's channel has been unwritable for `timeout` with nothing taken. Each look
    /// also measures the backlog (`SendBacklog`): when it went down since the look before, the client
    /// read something and its time starts again (nginx's `send_timeout` is per write the same way).
    private func clientTookNothing(now: NIODeadline, timeout: TimeAmount) -> Bool {
        guard let since = unwritableSince else { return false }
        if now - since >= timeout { return true }
        SendBacklog.measure(context.channel).assumeIsolated().whenSuccess { backlog in
            guard self.unwritableSince != nil else { return }
            if backlog < self.backlogAtLastLook && self.backlogAtLastLook != .max { self.unwritableSince = .now() }
            self.backlogAtLastLook = backlog
        }
        return false
    }

    /// Whether the exchange waits on the client for more of its request: the body is unfinished and
    /// the client is being read (not paused because the upstream can't take more, or isn't there yet).
    private var awaitsRequestBytes: Bool {
        switch state {
        case .proxying(let exchange): !exchange.requestEnded && mayRead
        case .discardingRequestBody: true
        case .sendingFile(let transfer): !transfer.requestEnded
        case .idle, .held, .closed: false
        }
    }
}
