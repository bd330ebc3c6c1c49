import NIOCore
import NIOHTTP1

/// The side of an exchange that receives what an upstream connection reports.
protocol UpstreamConnectionDelegate: AnyObject {
    func upstreamConnection(_ connection: UpstreamConnection, received part: ResponsePart)
    func upstreamConnectionReadComplete(_ connection: UpstreamConnection)
    func upstreamConnectionWritabilityChanged(_ connection: UpstreamConnection)
    /// The connection closed (EOF, reset, write error, a response it couldn't frame) while leased.
    /// `error` is what closed it, if known.
    func upstreamConnection(_ connection: UpstreamConnection, closedWith error: Error?)
}

/// The only handler of a keep-alive connection to an upstream: requests arrive as bytes, and it
/// frames responses itself (`ResponseFramer`), so bytes go from the socket to the client's
/// channel without a decoder, an encoder or a boxed message part in between. It is either idle in its
/// `LoopUpstream`'s pool or leased to one client connection's exchange (`delegate` set).
///
/// Reads are gated by the client side: while the client channel is not writable the upstream is
/// not read, so a fast upstream cannot fill the proxy's memory with a response a slow client
/// has not taken yet.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let pool: LoopUpstream
    private var context: ChannelHandlerContext?
    weak var delegate: UpstreamConnectionDelegate?
    /// Requests completed on this connection; a reused connection may have been closed by the
    /// upstream in the meantime (the keep-alive race), a fresh one not.
    var completedRequests = 0
    /// False once the upstream sent bytes past the end of a response: they answer nothing we
    /// asked, so the connection is not pooled again.
    private(set) var isReusable = true
    private var framer = ResponseFramer()
    private var readsPaused = false
    private var readPending = false
    private var closeError: Error?

    init(pool: LoopUpstream) {
        self.pool = pool
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Request

    /// Starts a request: its head as `ForwardedHeaders.upstreamRequest` encoded it.
    func writeHead(_ head: ByteBuffer, method: HTTPMethod) {
        guard let context else { return }
        framer.expectResponse(toHEAD: method == .HEAD)
        context.write(wrapOutboundOut(head), promise: nil)
    }

    /// Request body bytes as the client framed them (chunk framing included).
    func writeBody(_ body: ByteBuffer) {
        guard let context, body.readableBytes > 0 else { return }
        context.write(wrapOutboundOut(body), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func close() {
        context?.close(promise: nil)
    }

    /// Stops or resumes reading from the upstream (client-side backpressure).
    func setReadsPaused(_ paused: Bool) {
        readsPaused = paused
        if !paused && readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// Chunked response bodies reach the client with their framing, or (HTTP/1.0 client) without.
    func setForwardsChunkFraming(_ forwards: Bool) {
        framer.keepsChunkFraming = forwards
    }

    // MARK: Channel

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard delegate != nil else {
            // Bytes on an idle connection answer nothing we asked: the connection can't be trusted.
            isReusable = false
            context.close(promise: nil)
            return
        }
        var buffer = unwrapInboundIn(data)
        do {
            while let part = try framer.next(&buffer) {
                if case .end = part, buffer.readableBytes > 0 { isReusable = false }
                guard let delegate else { break }
                delegate.upstreamConnection(self, received: part)
                if case .end = part { break }
            }
            if buffer.readableBytes > 0 {
                isReusable = false
                context.close(promise: nil)
            }
        } catch {
            isReusable = false
            if closeError == nil { closeError = error }
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamConnectionReadComplete(self)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamConnectionWritabilityChanged(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if closeError == nil { closeError = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isReusable = false
        pool.connectionClosed(self)
        guard let delegate else { return }
        // A body delimited by the close ends here, unless the connection failed rather than closed.
        if closeError == nil {
            do {
                if let end = try framer.endOfInput() {
                    delegate.upstreamConnection(self, received: end)
                    if self.delegate == nil { return }
                }
            } catch {
                closeError = error
            }
        }
        self.delegate = nil
        delegate.upstreamConnection(self, closedWith: closeError)
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }
}
