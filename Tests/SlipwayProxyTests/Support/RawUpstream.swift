import Foundation
import NIOCore
import NIOPosix
import SlipwayModel
import Synchronization

/// An upstream that answers with bytes exactly as a test writes them, for what a real HTTP server
/// library would never send: chunked pieces cut anywhere, bodies ended by a close, malformed framing.
///
/// Each request (head, plus a `Content-Length` body) is passed to `respond`, which returns the
/// pieces to write (each flushed on its own) and whether to close the connection after them.
final class RawUpstream: Sendable {
    struct Answer: Sendable {
        var pieces: [String]
        var close = false
    }

    let port: Int
    private let server: Channel
    private let counts = Mutex((connections: 0, requests: 0))

    var upstream: Upstream { Upstream(host: "127.0.0.1", port: port, releaseID: "raw") }
    var connectionsAccepted: Int { counts.withLock { $0.connections } }
    var requestsReceived: Int { counts.withLock { $0.requests } }

    private init(server: Channel, port: Int) {
        self.server = server
        self.port = port
    }

    static func start(_ respond: @escaping @Sendable (_ head: String) -> Answer) async throws -> RawUpstream {
        let box = Box()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                box.upstream?.counts.withLock { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(respond: respond, onRequest: {
                        box.upstream?.counts.withLock { $0.requests += 1 }
                    }))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let upstream = RawUpstream(server: server, port: server.localAddress!.port!)
        box.upstream = upstream
        return upstream
    }

    func stop() async {
        try? await server.close()
    }

    private final class Box: @unchecked Sendable {
        var upstream: RawUpstream?
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let respond: @Sendable (String) -> Answer
        let onRequest: @Sendable () -> Void
        var received: [UInt8] = []

        init(respond: @escaping @Sendable (String) -> Answer, onRequest: @escaping @Sendable () -> Void) {
            self.respond = respond
            self.onRequest = onRequest
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(contentsOf: unwrapInboundIn(data).readableBytesView)
            while let (head, length) = nextRequest() {
                received.removeFirst(length)
                onRequest()
                let answer = respond(head)
                for piece in answer.pieces {
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: piece)), promise: nil)
                }
                if answer.close {
                    context.close(promise: nil)
                    return
                }
            }
        }

        /// A complete request at the start of `received`: its head, and its length with its body.
        private func nextRequest() -> (String, Int)? {
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { return nil }
            let head = String(text[..<end.upperBound])
            var bodyLength = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let total = head.utf8.count + bodyLength
            return received.count >= total ? (head, total) : nil
        }
    }
}
