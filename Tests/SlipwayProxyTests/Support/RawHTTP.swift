import NIOCore
import NIOPosix
import Synchronization

/// Sends bytes exactly as written and returns everything the server sends until it closes:
/// for what an HTTP client library would normalise (HTTP/1.0, `Connection` tokens, pipelining).
enum RawHTTP {
    static func exchange(port: Int, _ request: String) async throws -> String {
        let collector = ByteCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCollector.Handler(sink: collector))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await channel.writeAndFlush(channel.allocator.buffer(string: request))
        try await channel.closeFuture.get()
        return collector.text
    }
}

/// The bytes a raw exchange received.
final class ByteCollector: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func append(_ buffer: ByteBuffer) { bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
    var count: Int { bytes.withLock { $0.count } }

    /// Appends what its channel reads to `sink`.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let sink: ByteCollector
        init(sink: ByteCollector) { self.sink = sink }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            sink.append(unwrapInboundIn(data))
        }
    }
}
