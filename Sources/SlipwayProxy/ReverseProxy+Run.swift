import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SlipwayModel

extension ReverseProxy {
    /// Binds, serves until graceful shutdown, then stops accepting and lets in-flight exchanges
    /// finish (each connection closes after its current response). Cancellation closes everything at once.
    package func run() async throws {
        let address: SocketAddressSpec
        do {
            address = try await startListening()
        } catch {
            let failure = SlipwayError(.internalError, "the proxy could not listen on \(listen): \(error)")
            resolveBinding(.failed(failure))
            throw failure
        }
        resolveBinding(.bound(address))
        logger.info("proxy listening", metadata: ["address": "\(address)", "tls": "\(boundTLSAddress().map { "\($0)" } ?? "off")"])
        let sweeps = sweepIdleClients()
        defer { for sweep in sweeps { sweep.cancel() } }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await waitUntilStopRequested()
                // A connection the listener accepted just before it closed may not be registered
                // with its loop yet; after a hand-off there is time to let it arrive (and be served).
                if self.lingeringShutdown.withLock({ $0 }) {
                    try? await Task.sleep(for: .nanoseconds(ProxyRequestHandler.lingerWhenQuiesced.nanoseconds))
                }
                // However the listener closed, existing connections now finish and close.
                await quiesceClientsAndWait()
            } onGracefulShutdown: {
                self.beginShutdown()
            }
        } onCancel: {
            self.requestStop()
            for channel in self.acceptors.withLock({ $0 }) { channel.close(promise: nil) }
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
        for fd in listeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
        for fd in tlsListeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
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
                case .bound(let address):
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
        _ = closeListenerAndQuiesce(lingering: false)
    }

    /// Stops accepting on this process's copies of the listening sockets (a successor holds its own
    /// and accepts on) and lets each open connection finish: it closes after its next response, or
    /// after a second idle (`LingeringQuiesceEvent`); `run` then returns.
    package func handOffShutdown() {
        lingeringShutdown.withLock { $0 = true }
        _ = closeListenerAndQuiesce(lingering: true)
    }

    /// `beginShutdown`, returning once the listener is closed.
    package func stopAccepting() async {
        try? await closeListenerAndQuiesce(lingering: false)?.get()
    }

    /// Closes this process's listening descriptors too: after a hand-off the successor holds its
    /// own, so the socket listens on; otherwise new connections are refused from now on.
    private func closeListenerAndQuiesce(lingering: Bool) -> EventLoopFuture<Void>? {
        let closed = closeAcceptors()
        for fd in listeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
        for fd in tlsListeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
        for box in loops.values {
            box.eventLoop.execute { box.value.clients.quiesceAll(lingering: lingering) }
        }
        requestStop()
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
            case .bound(let address): waiter.resume(returning: address)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting, .finished: waiter.resume(throwing: SlipwayError(.internalError, "the proxy has stopped"))
            }
        }
    }
}
