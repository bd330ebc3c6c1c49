import NIOCore
import NIOHTTP1

/// The side of an exchange that receives what an upstream connection reports.
protocol UpstreamConnectionDelegate: AnyObject {
    func upstreamConnection(_ connection: UpstreamConnection, received part: HTTPClientResponsePart)
    func upstreamConnectionReadComplete(_ connection: UpstreamConnection)
    func upstreamConnectionWritabilityChanged(_ connection: UpstreamConnection)
    /// The connection closed (EOF, reset, write error) while leased. `error` is what closed it, if known.
    func upstreamConnection(_ connection: UpstreamConnection, closedWith error: Error?)
}

/// The last handler of a keep-alive connection to an upstream. It is either idle in its
/// `LoopUpstream`'s pool or leased to one client connection's exchange (`delegate` set).
///
/// Reads are gated by the client side: while the client channel is not writable the upstream is
/// not read, so a fast upstream cannot fill the proxy's memory with a response a slow client
/// has not taken yet.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let pool: LoopUpstream
    private var context: ChannelHandlerContext?
    weak var delegate: UpstreamConnectionDelegate?
    /// Requests completed on this connection; a reused connection may have been closed by the
    /// upstream in the meantime (the keep-alive race), a fresh one not.
    var completedRequests = 0
    private var readsPaused = false
    private var readPending = false
    private var closeError: Error?

    init(pool: LoopUpstream) {
        self.pool = pool
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func write(_ part: HTTPClientRequestPart) {
        guard let context else { return }
        context.write(wrapOutboundOut(part), promise: nil)
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

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let delegate else {
            // Bytes on an idle connection answer nothing we asked: the connection can't be trusted.
            context.close(promise: nil)
            return
        }
        delegate.upstreamConnection(self, received: unwrapInboundIn(data))
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
        pool.connectionClosed(self)
        if let delegate {
            self.delegate = nil
            delegate.upstreamConnection(self, closedWith: closeError)
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }
}
