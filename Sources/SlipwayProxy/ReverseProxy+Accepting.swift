import Glibc
import NIOCore
import NIOPosix
import SlipwayModel

// The listening sockets and the channels accepting on them. The proxy owns the descriptors (bound
// here, or received from the proxy process it replaces) and gives NIO duplicates, so accepting can
// pause while a successor takes them over and resume if the successor fails: two processes never
// accept on one socket at the same time (NIO asserts that a readable listener yields a connection,
// which another process may have taken first).
extension ReverseProxy {
    /// The listening sockets' descriptors while the proxy runs: what a successor receives.
    package func listeningDescriptors() -> [CInt] {
        listeners.withLock { $0 }
    }

    /// Binds `listen` (or takes the inherited sockets) and starts accepting. Returns the address.
    func startListening() async throws -> SocketAddressSpec {
        let descriptors = try inherited.isEmpty ? [ListeningSocket.bind(listen)] : inherited
        listeners.withLock { $0 = descriptors }
        try await resumeAccepting()
        let first = acceptors.withLock { $0.first }
        return Self.spec(of: first?.localAddress) ?? listen
    }

    /// Stops accepting, keeping the listening sockets open: connections wait in their listen
    /// queues, refused by no one, until this process or a successor accepts again.
    ///
    /// NIO accepts on the listener's loop and sets the connection up on another; a connection
    /// whose set-up returns to a closed listener is closed (AcceptHandler), which its client sees
    /// as a reset. So accepting stops first (`autoRead` off), every loop finishes what it was
    /// doing, and only then are the channels closed.
    package func pauseAccepting() async {
        let channels = acceptors.withLock { $0 }
        for channel in channels {
            try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
        }
        for _ in 0..<2 {
            for box in loops.values {
                try? await box.eventLoop.submit {}.get()
            }
        }
        try? await closeAcceptors()?.get()
    }

    /// Accepts again on the listening sockets after `pauseAccepting` (a hand-off that failed).
    package func resumeAccepting() async throws {
        guard acceptors.withLock({ $0.isEmpty }) else { return }
        var channels: [Channel] = []
        for fd in listeners.withLock({ $0 }) {
            channels.append(try await accept(on: fd))
        }
        acceptors.withLock { $0 = channels }
    }

    /// Closes NIO's channels (its duplicates of the descriptors); nil when none was accepting.
    func closeAcceptors() -> EventLoopFuture<Void>? {
        let channels = acceptors.withLock { channels in
            defer { channels = [] }
            return channels
        }
        guard let first = channels.first else { return nil }
        return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: first.eventLoop)
    }

    /// Returns once `requestStop` was called.
    func waitUntilStopRequested() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = stop.withLock { stop -> Bool in
                if case .requested = stop { return true }
                stop = .notYet(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    func requestStop() {
        let waiter = stop.withLock { stop -> CheckedContinuation<Void, Never>? in
            defer { stop = .requested }
            if case .notYet(let waiter) = stop { return waiter }
            return nil
        }
        waiter?.resume()
    }

    private func accept(on listener: CInt) async throws -> Channel {
        let loops = self.loops
        let logger = self.logger
        let waterMark = settings.writeBufferWaterMark
        // TCP_NODELAY is set on the listening socket (ListeningSocket) and accepted sockets inherit
        // it. The write buffer's water mark is set in the initializer, synchronously:
        // `childChannelOption` chains a future per option per connection.
        return try await ServerBootstrap(group: group)
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
            .withBoundSocket(ListeningSocket.duplicate(listener))
            .get()
    }

    static func spec(of address: SocketAddress?) -> SocketAddressSpec? {
        guard let address, let host = address.ipAddress, let port = address.port else { return nil }
        return SocketAddressSpec(host: host, port: port)
    }
}
