import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SlipwayModel

extension ReverseProxy {
    /// Binds, serves until graceful shutdown, then stops accepting and lets in-flight exchanges
    /// finish (each connection closes after its current response). Cancellation closes everything at once.
    package func run() async throws {
        let server: Channel
        do {
            server = try await bind()
        } catch {
            let failure = SlipwayError(.internalError, "the proxy could not listen on \(listen): \(error)")
            resolveBinding(.failed(failure))
            throw failure
        }
        let address = Self.spec(of: server.localAddress) ?? listen
        resolveBinding(.bound(address, server))
        logger.info("proxy listening", metadata: ["address": "\(address)"])
        let sweeps = sweepIdleClients()
        defer { for sweep in sweeps { sweep.cancel() } }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await server.closeFuture.get()
                // However the listener closed, existing connections now finish and close.
                await quiesceClientsAndWait()
            } onGracefulShutdown: {
                self.beginShutdown()
            }
        } onCancel: {
            server.close(promise: nil)
            for box in self.loops.values {
                box.eventLoop.execute {
                    box.value.clients.quiesceAll()
                    box.value.clients.closeAll()
                }
            }
        }
        for box in loops.values {
            try? await box.eventLoop.submit { box.value.closeAllIdleConnections() }.get()
        }
        resolveBinding(.finished)
        logger.info("proxy stopped")
    }

    /// On each loop, closes the client connections idle or stalled past `clientIdleTimeout`, looking a few
    /// times per timeout (at most every second), so a connection closes at most a quarter of the
    /// timeout (or a second) late.
    private func sweepIdleClients() -> [RepeatedTask] {
        let timeout = settings.clientIdleTimeout
        let every = TimeAmount.nanoseconds(max(min(timeout.nanoseconds / 4, 1_000_000_000), 10_000_000))
        return loops.values.map { box in
            box.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
                box.value.clients.closeStalled(now: .now(), timeout: timeout)
            }
        }
    }

    /// Where the proxy listens; waits until `run` has bound (useful with port 0).
    package func localAddress() async throws -> SocketAddressSpec {
        try await withCheckedThrowingContinuation { continuation in
            let result = binding.withLock { binding -> Result<SocketAddressSpec, Error>? in
                switch binding {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    binding = .waiting(waiters)
                    return nil
                case .bound(let address, _):
                    return .success(address)
                case .failed(let error):
                    return .failure(error)
                case .finished:
                    return .failure(SlipwayError(.internalError, "the proxy has stopped"))
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Stops accepting connections and asks open ones to close after their current exchange;
    /// `run` returns once all have. What a graceful shutdown of the service group triggers.
    package func beginShutdown() {
        _ = closeListenerAndQuiesce()
    }

    /// `beginShutdown`, returning once the listener is closed.
    package func stopAccepting() async {
        try? await closeListenerAndQuiesce()?.get()
    }

    private func closeListenerAndQuiesce() -> EventLoopFuture<Void>? {
        let server = binding.withLock { binding -> Channel? in
            if case .bound(_, let server) = binding { return server }
            return nil
        }
        let closed = server?.close()
        for box in loops.values {
            box.eventLoop.execute { box.value.clients.quiesceAll() }
        }
        return closed
    }

    /// Asks every client connection to close once idle, and returns when all have.
    private func quiesceClientsAndWait() async {
        for box in loops.values {
            try? await box.eventLoop.flatSubmit {
                box.value.clients.quiesceAll()
                return box.value.clients.whenAllClosed()
            }.get()
        }
    }

    private func bind() async throws -> Channel {
        let loops = self.loops
        let logger = self.logger
        let waterMark = settings.writeBufferWaterMark
        // TCP_NODELAY: ServerBootstrap sets it on the listening socket and accepted sockets inherit
        // it. (`.socketOption(.tcp_nodelay)`, set here before, is option 1 at the SOL_SOCKET level,
        // SO_DEBUG: one useless system call per connection.) The write buffer's water mark is set in
        // the initializer, synchronously: `childChannelOption` chains a future per option per connection.
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let loop = loops[ObjectIdentifier(channel.eventLoop)]?.value else {
                        throw SlipwayError(.internalError, "a connection arrived on an event loop outside the proxy's group")
                    }
                    try channel.syncOptions?.setOption(.writeBufferWaterMark, value: waterMark)
                    // One handler: it frames requests and writes responses as bytes itself, and
                    // does pipelining, quiescing and the 400 for a request it can't frame.
                    let handler = ProxyRequestHandler(loop: loop, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    loop.clients.opened(channel, handler: handler)
                }
            }
            .bind(host: listen.host, port: listen.port)
            .get()
    }

    private func resolveBinding(_ next: Binding) {
        let waiters = binding.withLock { binding -> [CheckedContinuation<SocketAddressSpec, Error>] in
            guard case .waiting(let waiters) = binding else {
                binding = next
                return []
            }
            binding = next
            return waiters
        }
        for waiter in waiters {
            switch next {
            case .bound(let address, _): waiter.resume(returning: address)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting, .finished: waiter.resume(throwing: SlipwayError(.internalError, "the proxy has stopped"))
            }
        }
    }

    private static func spec(of address: SocketAddress?) -> SocketAddressSpec? {
        guard let address, let host = address.ipAddress, let port = address.port else { return nil }
        return SocketAddressSpec(host: host, port: port)
    }
}
