import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fake of the servers Slipway posts to (Slack, Telegram's Bot API, a customer's webhook) on
/// loopback port 0: it records every request it gets and answers each as `answer` says.
final class RecordingReceiver: Sendable {
    struct Request: Sendable {
        let method: String
        let uri: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum Answer: Sendable {
        case status(Int, headers: [(String, String)] = [], body: String = "")
        /// Read the request, never answer.
        case hang
    }

    let port: Int
    private let channel: any Channel
    private let recorded = Mutex<[Request]>([])

    /// `answer` is given the number of the request (0 for the first) and the request.
    init(answer: @escaping @Sendable (Int, Request) -> Answer = { _, _ in .status(200, body: "ok") }) async throws {
        let box = RecorderBox()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(box: box, answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
        box.receiver = self
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { recorded.withLock { $0 } }

    /// Records `request`; returns its number.
    fileprivate func record(_ request: Request) -> Int {
        recorded.withLock {
            $0.append(request)
            return $0.count - 1
        }
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Lets handlers reach the receiver, which exists only once its channel is bound.
private final class RecorderBox: @unchecked Sendable {
    private let lock = Mutex<RecordingReceiver?>(nil)
    var receiver: RecordingReceiver? {
        get { lock.withLock { $0 } }
        set { lock.withLock { $0 = newValue } }
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: RecorderBox
    private let answer: @Sendable (Int, RecordingReceiver.Request) -> RecordingReceiver.Answer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: RecorderBox, answer: @escaping @Sendable (Int, RecordingReceiver.Request) -> RecordingReceiver.Answer) {
        self.box = box
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head, let receiver = box.receiver else { return }
            let request = RecordingReceiver.Request(method: head.method.rawValue, uri: head.uri,
                                                    headers: head.headers.map { ($0.name, $0.value) }, body: body)
            let number = receiver.record(request)
            switch answer(number, request) {
            case .hang:
                break
            case .status(let code, let headers, let text):
                var responseHeaders = HTTPHeaders(headers)
                responseHeaders.add(name: "Content-Length", value: String(text.utf8.count))
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: code),
                                                    headers: responseHeaders)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
