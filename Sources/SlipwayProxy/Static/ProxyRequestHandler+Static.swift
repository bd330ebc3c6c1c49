import NIOCore
import NIOHTTP1
import SlipwayModel

// A request whose chosen upstream is a static site is answered from its files here, with no
// exchange: counted on that upstream like a proxied one (in flight, status, latency), so
// per-release statistics, canary analysis and /metrics see static requests too.
extension ProxyRequestHandler {
    func serveStatic(_ head: RequestHead, _ request: ClientRequest, site: StaticSite, choice: LoopBackends.Choice,
                     route: RouteTable<LoopRoute>.Entry) {
        let upstream = choice.upstream
        let startedAt = NIODeadline.now()
        upstream.requestStarted()
        let response = StaticResponse.answer(head, routePrefix: route.pathPrefix, site: site,
                                             others: { route.target.otherSites(than: site, now: self.loop.settings.now) }, files: loop.files,
                                             setCookie: choice.setCookie)
        // As `respondLocally`: the request's end comes after its head, and a client that awaits
        // `100 Continue` may never send the body that would have to be read and dropped.
        let close = !request.keepAlive || quiescing || request.expectsContinue
        let allocator = context.channel.allocator
        let status = UInt(response.status.code)
        if case .file(let path, let offset, let count) = response.body {
            let head = response.head(version: request.version, close: close, allocator: allocator)
            if secure, let transfer = FileTransfer(path: path, offset: offset, count: count, upstream: upstream, status: status,
                                                   close: close, startedAt: startedAt) {
                context.write(wrapOutboundOut(head), promise: nil)
                state = .sendingFile(transfer)
                sendNextChunk(of: transfer)
                return
            }
            if !secure, let handle = try? NIOFileHandle(_deprecatedPath: path) {
                // Plain: one `FileRegion` (sendfile) queued behind the head; NIO writes it as the
                // socket takes it, and the descriptor closes once it is written or the connection fails.
                let region = FileRegion(fileHandle: handle, readerIndex: offset, endIndex: offset + count)
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenComplete { _ in try? handle.close() }
                context.write(wrapOutboundOut(head), promise: nil)
                context.write(NIOAny(IOData.fileRegion(region)), promise: written)
                finishStatic(upstream, status: status, startedAt: startedAt, close: close, writing: nil, body: nil)
                return
            }
            // Gone since it was cached: a published release lost a file under us.
            let missing = StaticResponse.text(.notFound, "not found")
            finishStatic(upstream, status: 404, startedAt: startedAt, close: close,
                         writing: missing.head(version: request.version, close: close, allocator: allocator),
                         body: ByteBuffer(string: "not found\n"))
            return
        }
        var body: ByteBuffer?
        if case .bytes(let bytes) = response.body { body = bytes }
        finishStatic(upstream, status: status, startedAt: startedAt, close: close,
                     writing: response.head(version: request.version, close: close, allocator: allocator), body: body)
    }

    /// Writes a whole answer and moves on: the rest of the request (its end, a body) is read and
    /// dropped, then the next request is taken.
    private func finishStatic(_ upstream: LoopUpstream, status: UInt, startedAt: NIODeadline, close: Bool, writing head: ByteBuffer?,
                              body: ByteBuffer?) {
        if let head { context.write(wrapOutboundOut(head), promise: nil) }
        if let body, body.readableBytes > 0 { context.write(wrapOutboundOut(body), promise: nil) }
        count(upstream, status: status, startedAt: startedAt)
        state = close ? .closed : .discardingRequestBody
        writeEnd(close: close)
        afterResponse()
    }

    private func count(_ upstream: LoopUpstream, status: UInt, startedAt: NIODeadline) {
        upstream.counters.recordStatus(status)
        let elapsed = (NIODeadline.now() - startedAt).nanoseconds
        upstream.counters.latency.record(microseconds: UInt64(max(0, elapsed) / 1000))
        upstream.requestFinished()
    }

    /// Over TLS: the next chunk once the previous one is written.
    func sendNextChunk(of transfer: FileTransfer) {
        guard case .sendingFile(let current) = state, current === transfer else { return }
        if transfer.isComplete {
            count(transfer.upstream, status: transfer.status, startedAt: transfer.startedAt)
            let close = transfer.close || quiescing
            state = close ? .closed : (transfer.requestEnded ? .idle : .discardingRequestBody)
            writeEnd(close: close)
            afterResponse()
            return
        }
        guard let chunk = transfer.nextChunk(allocator: context.channel.allocator) else {
            abandonTransfer()
            closeClient()
            return
        }
        context.writeAndFlush(wrapOutboundOut(chunk)).assumeIsolated().whenComplete { result in
            switch result {
            case .success: self.sendNextChunk(of: transfer)
            case .failure: self.closeClient()
            }
        }
    }

    /// The client went away during a transfer: it stops counting as in flight.
    func abandonTransfer() {
        guard case .sendingFile(let transfer) = state else { return }
        state = .closed
        transfer.upstream.counters.clientAborts += 1
        transfer.upstream.requestFinished()
    }
}
