import NIOCore

/// One piece of a request read from a client connection.
enum RequestPart {
    case head(RequestHead)
    /// Body bytes to forward as they are, chunk framing included.
    case body(ByteBuffer)
    case end
}

/// Splits the bytes of a client connection into requests, one after the other (pipelined ones
/// included), reading only what framing needs. This is what stands between a client and request
/// smuggling, so it refuses rather than guesses (`FramingError`): the connection is answered 400
/// (431 for a head too large) and closed.
struct RequestFramer {
    /// nginx's `large_client_header_buffers` default allows 4 × 8 KiB.
    static let maxHeadSize = 32 * 1024

    private enum State {
        case head
        case length(remaining: Int)
        case chunked(ChunkedFraming)
        /// The body is complete: `.end` is next.
        case ending
        /// After an error: nothing more is read.
        case failed
    }

    private var state = State.head
    private var head = HeadAccumulator()

    init() {}

    /// The next part in `buffer`, whose bytes it consumes; nil once `buffer` holds no more of one.
    mutating func next(_ buffer: inout ByteBuffer) throws -> RequestPart? {
        do {
            return try nextPart(&buffer)
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func nextPart(_ buffer: inout ByteBuffer) throws -> RequestPart? {
        switch state {
        case .head:
            guard let bytes = try head.take(from: &buffer, limit: Self.maxHeadSize) else { return nil }
            let parsed = try RequestHead.parse(bytes)
            switch parsed.framing {
            case .none, .untilClose, .length(0): state = .ending
            case .length(let length): state = .length(remaining: length)
            case .chunked: state = .chunked(ChunkedFraming())
            }
            return .head(parsed)
        case .length(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let take = min(remaining, buffer.readableBytes)
            state = take == remaining ? .ending : .length(remaining: remaining - take)
            return .body(buffer.readSlice(length: take)!)
        case .chunked(var framing):
            guard buffer.readableBytes > 0 else { return nil }
            let scan = try buffer.withUnsafeReadableBytes { try framing.scan($0, dataOnly: false) }
            state = scan.ended ? .ending : .chunked(framing)
            return .body(buffer.readSlice(length: scan.consumed)!)
        case .ending:
            state = .head
            return .end
        case .failed:
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
    }
}
