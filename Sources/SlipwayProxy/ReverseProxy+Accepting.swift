import Glibc
import NIOCore
import NIOPosix
import NIOSSL
import SlipwayModel

// The listening sockets (one per event loop, `ListeningSocket`) and the channels accepting on them.
// The proxy owns the descriptors (bound here, or received from the proxy process it replaces) and
// gives NIO duplicates, so accepting can pause while a successor takes them over and resume if the
// successor fails: two processes never accept on one socket at the same time (NIO asserts that a
// readable listener yields a connection, which another process may have taken first). Within the
// process, too, each socket has one channel accepting on it.
extension ReverseProxy {
    /// The listening sockets' descriptors while the proxy runs: what a successor receives.
    package func listeningDescriptors() -> [CInt] {
        listeners.withLock { $0 }
    }

    /// The TLS listening sockets' descriptors while the proxy runs: what a successor receives beside them.
    package func tlsListeningDescriptors() -> [CInt] {
        tlsListeners.withLock { $0 }
    }

    /// Where the TLS listener is bound; nil without `tls` or before `run` bound it.
    package func boundTLSAddress() -> SocketAddressSpec? {
        boundTLS.withLock { $0 }
    }

    /// Binds `listen` with one socket per event loop (or takes the inherited sockets), and
    /// `tls.listen` likewise, and starts accepting. Returns the plain address.
    func startListening() async throws -> SocketAddressSpec {
        let count = eventLoops.count
        let descriptors = try listeningDescriptors(inherited, for: listen, count: count)
        listeners.withLock { $0 = descriptors }
        do {
            if let tls {
                let secure = try listeningDescriptors(inheritedTLS, for: tls.listen, count: count)
                tlsListeners.withLock { $0 = secure }
            }
            try await resumeAccepting()
        } catch {
            for fd in listeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
            for fd in tlsListeners.withLock({ fds in defer { fds = [] }; return fds }) { close(fd) }
            throw error
        }
        let plain = acceptors.withLock { $0.first }
        if let tls {
            let address = Self.spec(of: tlsAcceptorAddress()) ?? tls.listen
            boundTLS.withLock { $0 = address }
            tls.redirect?.port.store(address.port, ordering: .relaxed)
        }
        return Self.spec(of: plain?.localAddress) ?? listen
    }

    /// The sockets to listen on at `address`: those inherited when they listen there (port 0:
    /// any port), else new ones (the inherited ones are then closed: the predecessor keeps its own
    /// until it exits). So a successor can move one listener and keep the other: a proxy whose
    /// plain address changed takes over the TLS sockets, and the other way round.
    private func listeningDescriptors(_ inherited: [CInt], for address: SocketAddressSpec, count: Int) throws -> [CInt] {
        if !inherited.isEmpty {
            // One that is not a listening socket at all is refused, as ever (`adoptInherited` checks).
            guard let inheritedAt = ReverseProxy.spec(of: try? ListeningSocket.address(of: inherited[0])) else {
                return try adoptInherited(inherited, count: count)
            }
            let wanted = try? SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
            if let wanted, inheritedAt.host == wanted.ipAddress, address.port == 0 || inheritedAt.port == address.port {
                return try adoptInherited(inherited, count: count)
            }
            for fd in inherited { close(fd) }
        }
        return try ListeningSocket.bind(address, count: count)
    }

    /// The local address of the first TLS listening socket.
    private func tlsAcceptorAddress() -> SocketAddress? {
        guard let fd = tlsListeners.withLock({ $0.first }) else { return nil }
        return try? ListeningSocket.address(of: fd)
    }

    /// The inherited sockets, and for the loops they leave without one, new `SO_REUSEPORT` sockets
    /// beside them (a successor with more loops than its predecessor). They are this proxy's from
    /// here on: on failure they are closed.
    private func adoptInherited(_ inherited: [CInt], count: Int) throws -> [CInt] {
        var descriptors = inherited
        do {
            for fd in inherited { try ListeningSocket.check(inherited: fd) }
            while descriptors.count < count {
                descriptors.append(try ListeningSocket.bind(beside: inherited[0]))
            }
        } catch {
            for fd in descriptors { close(fd) }
            throw error
        }
        return descriptors
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

    /// Accepts again on the listening sockets after `pauseAccepting` (a hand-off that failed). Each
    /// socket is accepted on by one loop, which serves what it accepts; with more sockets than
    /// loops (handed over by a proxy with more), a loop takes several.
    package func resumeAccepting() async throws {
        guard acceptors.withLock({ $0.isEmpty }) else { return }
        let loops = eventLoops
        var channels: [Channel] = []
        do {
            for (index, fd) in listeners.withLock({ $0 }).enumerated() {
                channels.append(try await accept(on: fd, loop: loops[index % loops.count], tls: nil))
            }
            for (index, fd) in tlsListeners.withLock({ $0 }).enumerated() {
                channels.append(try await accept(on: fd, loop: loops[index % loops.count], tls: tls?.context))
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            throw error
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

    /// A channel that accepts on `listener` from `loop` and serves each connection there: no
    /// connection is handed to another thread, and the initializer holds `loop`'s state directly.
    /// With `tls`, each connection's pipeline is NIOSSL's server handler, then the same
    /// `ProxyRequestHandler` as plain connections: TLS is terminated in front of the proxy's own
    /// HTTP/1.1 framing, which sees plaintext bytes either way.
    private func accept(on listener: CInt, loop: EventLoop, tls: NIOSSLContext?) async throws -> Channel {
        let box = loops[ObjectIdentifier(loop)]!
        let logger = self.logger
        let waterMark = settings.writeBufferWaterMark
        // TCP_NODELAY is set on the listening socket (ListeningSocket) and accepted sockets inherit
        // it. The write buffer's water mark is set in the initializer, synchronously:
        // `childChannelOption` chains a future per option per connection.
        let channel = try await ServerBootstrap(group: loop)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let state = box.value
                    try channel.syncOptions?.setOption(.writeBufferWaterMark, value: waterMark)
                    // One handler: it frames requests and writes responses as bytes itself, and
                    // does pipelining, quiescing and the 400 for a request it can't frame.
                    let handler = ProxyRequestHandler(loop: state, logger: logger, secure: tls != nil)
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    state.clients.opened(channel, handler: handler)
                }
            }
            .withBoundSocket(ListeningSocket.duplicate(listener))
            .get()
        ListeningSocket.restoreBacklog(listener)
        return channel
    }

    /// The group's loops, in the group's order.
    var eventLoops: [EventLoop] { Array(group.makeIterator()) }

    static func spec(of address: SocketAddress?) -> SocketAddressSpec? {
        guard let address, let host = address.ipAddress, let port = address.port else { return nil }
        return SocketAddressSpec(host: host, port: port)
    }
}
