import NIOCore
import NIOHTTP1

/// One connection of a `TestBackend`.
final class BackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: StateBox
    private var context: ChannelHandlerContext?
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var served = 0
    private var busy = false
    private var download: (remaining: Int, chunk: ByteBuffer)?
    private var idleClose: Scheduled<Void>?

    init(box: StateBox) {
        self.box = box
    }

    private var backend: TestBackend { box.backend! }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    private func scheduleIdleClose(context: ChannelHandlerContext) {
        guard let timeout = box.backend?.update({ $0.idleTimeout }) else { return }
        idleClose = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    func closeIfIdle() {
        if !busy { context?.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            busy = true
            idleClose?.cancel()
            idleClose = nil
            self.head = head
            bodyBytes = 0
            let drop = backend.update { state -> Bool in
                state.requestsReceived += 1
                if state.dropNextReusedRequest && served > 0 {
                    state.dropNextReusedRequest = false
                    return true
                }
                return false
            }
            if drop || head.uri == "/drop" {
                context.close(promise: nil)
            }
        case .body(let body):
            bodyBytes += body.readableBytes
        case .end:
            guard let head, context.channel.isActive else { return }
            respond(to: head, context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { continueDownload(context: context) }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let backend = self.backend
        let path = head.uri
        if let configured = backend.update({ $0.responses[path] }) {
            send(status: HTTPResponseStatus(statusCode: configured.status), body: configured.body, context: context)
        } else if path.hasPrefix("/repeat/"), let count = Int(path.dropFirst("/repeat/".count)) {
            send(body: String(repeating: backend.name, count: count), context: context)
        } else if path.hasPrefix("/delay/"), let ms = Int64(path.dropFirst("/delay/".count)) {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(ms)) {
                self.send(body: backend.name, context: context)
            }
        } else if path == "/hold" {
            let answer = NIOLoopBound({ self.send(body: backend.name, context: context) }, eventLoop: context.eventLoop)
            backend.update { $0.held.append(answer) }
        } else if path == "/upload" {
            let bytes = bodyBytes
            backend.update { $0.uploadedBytes += bytes }
            send(body: "received \(bytes)", context: context)
        } else if path.hasPrefix("/download/"), let size = Int(path.dropFirst("/download/".count)) {
            var headers = responseHeaders()
            headers.add(name: "content-length", value: String(size))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            download = (size, chunk)
            continueDownload(context: context)
        } else if path == "/headers" {
            let lines = head.headers.map { "\($0.name.lowercased()): \($0.value)" }.joined(separator: "\n")
            send(body: lines, context: context)
        } else {
            send(body: backend.name, context: context)
        }
    }

    private func continueDownload(context: ChannelHandlerContext) {
        guard var download else { return }
        while download.remaining > 0 && context.channel.isWritable {
            let size = min(download.remaining, download.chunk.readableBytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(download.chunk.getSlice(at: 0, length: size)!))), promise: nil)
            download.remaining -= size
        }
        if download.remaining == 0 {
            self.download = nil
            finish(context: context)
        } else {
            self.download = download
            context.flush()
        }
    }

    private func responseHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "x-backend", value: backend.name)
        if backend.update({ $0.stopping }) { headers.add(name: "connection", value: "close") }
        return headers
    }

    private func send(status: HTTPResponseStatus = .ok, body: String, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = responseHeaders()
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "content-type", value: "text/plain")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        finish(context: context)
    }

    private func finish(context: ChannelHandlerContext) {
        served += 1
        busy = false
        let stopping = backend.update { state -> Bool in
            state.responsesCompleted += 1
            return state.stopping
        }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if stopping { loopBound.value.close(promise: nil) }
        }
        scheduleIdleClose(context: context)
    }
}
