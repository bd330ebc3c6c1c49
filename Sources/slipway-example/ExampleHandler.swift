import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `/` requests this process has answered, across its connections (`ERRORS` spreads over them).
private let answered = Atomic(0)

/// `/` greets with the version, `/health` answers `{"status":"healthy"}` (or 503 when told to fail),
/// `/slow?ms=N` answers after N ms, `/upload` counts the bytes of a streamed body, `/crash` exits.
final class ExampleHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let behaviour: ExampleBehaviour
    private var head: HTTPRequestHead?
    private var bodyBytes = 0

    init(behaviour: ExampleBehaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            bodyBytes = 0
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
        case .end:
            guard let head else { return }
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        switch path {
        case "/health":
            if behaviour.healthy {
                send(.ok, "{\"status\":\"healthy\",\"version\":\"\(behaviour.version)\"}\n", type: "application/json", head, context)
            } else {
                send(.serviceUnavailable, "{\"status\":\"failing\",\"version\":\"\(behaviour.version)\"}\n", type: "application/json", head, context)
            }
        case "/slow":
            let ms = Int(head.uri.split(separator: "=").last ?? "") ?? 500
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(ms))) {
                let (handler, context) = loopBound.value
                handler.send(.ok, "slow \(ms)ms from \(handler.behaviour.version)\n", type: "text/plain", head, context)
            }
        case "/pid":
            // Which instance answered: replicas each have their own.
            send(.ok, "\(getpid())\n", type: "text/plain", head, context)
        case "/upload":
            send(.ok, "\(bodyBytes)\n", type: "text/plain", head, context)
        case "/crash":
            exit(3)
        default:
            let index = answered.add(1, ordering: .relaxed).oldValue
            let (status, body): (HTTPResponseStatus, String) = behaviour.fails(index)
                ? (.internalServerError, "error from \(behaviour.version)\n") : (.ok, "hello from \(behaviour.version)\n")
            guard behaviour.latency > .zero else { return send(status, body, type: "text/plain", head, context) }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: TimeAmount(behaviour.latency)) {
                let (handler, context) = loopBound.value
                handler.send(status, body, type: "text/plain", head, context)
            }
        }
    }

    private func send(_ status: HTTPResponseStatus, _ body: String, type: String, _ request: HTTPRequestHead,
                      _ context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "X-Release-Version", value: behaviour.version)
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

private extension ChannelHandlerContext {
    func writeAndFlushPromise() -> EventLoopPromise<Void> { eventLoop.makePromise() }
}
