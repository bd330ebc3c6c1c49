import NIOCore
import NIOPosix
import Synchronization

/// A client connection that sends a request and then doesn't read (no read is asked for), until
/// `readToEnd`: what a client that stopped taking its response looks like to the proxy.
final class NonReadingClient: Sendable {
    private let channel: Channel
    private let receivedBytes: ByteCount

    private init(channel: Channel, received: ByteCount) {
        self.channel = channel
        self.receivedBytes = received
    }

    static func open(port: Int) async throws -> NonReadingClient {
        let received = ByteCount()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            // A small receive buffer, so the proxy's writes back up soon.
            .channelOption(.socketOption(.so_rcvbuf), value: 4096)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Counter(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return NonReadingClient(channel: channel, received: received)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text))
    }

    /// Reads one buffer's worth every `every`, for `duration`: a slow reader, but a reader.
    func readSlowly(every: Duration, for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            channel.read()
            try await Task.sleep(for: every)
        }
    }

    var received: Int { receivedBytes.bytes.withLock { $0 } }

    /// Starts reading and returns how many bytes arrived in all once the connection has closed.
    func readToEnd() async throws -> Int {
        try await channel.setOption(.autoRead, value: true)
        channel.read()
        try await channel.closeFuture.get()
        return received
    }

    private final class ByteCount: Sendable {
        let bytes = Mutex(0)
    }

    private final class Counter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: ByteCount
        init(received: ByteCount) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let count = unwrapInboundIn(data).readableBytes
            received.bytes.withLock { $0 += count }
        }
    }
}
