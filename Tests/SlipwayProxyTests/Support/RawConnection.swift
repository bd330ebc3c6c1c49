import NIOCore
import NIOPosix

/// One client connection that sends raw requests and collects what comes back. Opened with
/// `reading: false` it asks for nothing until `readSlowly` or `readToEnd` (and has a small receive
/// buffer, so the proxy's writes back up soon): what a client that stopped taking its response looks
/// like to the proxy.
final class RawConnection: Sendable {
    private let channel: Channel
    private let received: ByteCollector

    private init(channel: Channel, received: ByteCollector) {
        self.channel = channel
        self.received = received
    }

    static func open(port: Int, reading: Bool = true) async throws -> RawConnection {
        let received = ByteCollector()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if !reading {
            bootstrap = bootstrap.channelOption(.autoRead, value: false).channelOption(.socketOption(.so_rcvbuf), value: 4096)
        }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCollector.Handler(sink: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, received: received)
    }

    var isOpen: Bool { channel.isActive }

    var receivedCount: Int { received.count }

    var receivedText: String { received.text }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text))
    }

    /// Until `count` complete responses (status lines followed by their bodies) have arrived.
    func waitForResponses(_ count: Int) async throws {
        while received.text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 < count || !received.text.hasSuffix("web") {
            guard channel.isActive else { throw Closed(waitingFor: "\(count) responses") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Until what has arrived contains `text`.
    func waitUntilReceived(_ text: String) async throws {
        while !received.text.contains(text) {
            guard channel.isActive else { throw Closed(waitingFor: "\"\(text)\"") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// A connection opened with `reading: false`: reads one buffer's worth every `every`, for
    /// `duration` (the pace is the behaviour under test: a slow reader, but a reader).
    func readSlowly(every: Duration, for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            channel.read()
            try await Task.sleep(for: every)
        }
    }

    /// Closes it from the client's side.
    func close() async throws {
        try await channel.close()
    }

    /// Reads on until the connection closes; returns how many bytes arrived in all.
    func readToEnd() async throws -> Int {
        try await channel.setOption(.autoRead, value: true)
        channel.read()
        try await channel.closeFuture.get()
        return received.count
    }
}

/// The connection closed while a test waited for more to arrive on it.
struct Closed: Error, CustomStringConvertible {
    var waitingFor: String
    var description: String { "the connection closed while waiting for \(waitingFor)" }
}
