import NIOCore

/// One piece of a response read from an upstream connection.
enum ResponsePart {
    /// A 1xx head (more heads follow) or the final head.
    case head(ResponseHead)
    /// Body bytes to forward as they are: with chunk framing unless `keepsChunkFraming` is off.
    case body(ByteBuffer)
    case end
}

/// Splits the bytes of an upstream connection into responses, reading only what framing needs:
/// the head is parsed once in place, body bytes are sliced out of the read buffers, never copied.
///
/// One response at a time: `expectResponse` before each request is sent. Bytes when no response
/// is expected, or after the end of one, are an error (the connection can't be trusted).
struct ResponseFramer {
    /// nginx's `large_client_header_buffers` default is 4 × 8 KiB; responses get more room, as the
    /// upstream is the operator's own service.
    static let maxHeadSize = 64 * 1024

    private enum State {
        case idle
        case head(requestWasHEAD: Bool)
        case length(remaining: Int)
        case chunked(ChunkedFraming)
        case untilClose
        /// The body is complete: `.end` is next.
        case ending
    }

    private var state = State.idle
    private var head = HeadAccumulator()
    /// Off for an HTTP/1.0 client, which can't read chunk framing: only chunk data is returned.
    var keepsChunkFraming = true

    init() {}

    /// The next response starts; `toHEAD` when it answers a HEAD request (no body, whatever it says).
    mutating func expectResponse(toHEAD: Bool) {
        state = .head(requestWasHEAD: toHEAD)
        head.reset()
        keepsChunkFraming = true
    }

    /// The connection closing ends the body being read.
    var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// A response was expected and nothing of it has arrived yet.
    var awaitsHead: Bool {
        if case .head = state, head.isEmpty { return true }
        return false
    }

    /// The next part in `buffer`, whose bytes it consumes; nil once `buffer` holds no more of one
    /// (what it held may be kept as a partial head).
    mutating func next(_ buffer: inout ByteBuffer) throws -> ResponsePart? {
        switch state {
        case .idle:
            if buffer.readableBytes > 0 { throw FramingError(.unexpectedBytes) }
            return nil
        case .head(let requestWasHEAD):
            return try nextHead(&buffer, requestWasHEAD: requestWasHEAD)
        case .length(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let take = min(remaining, buffer.readableBytes)
            state = take == remaining ? .ending : .length(remaining: remaining - take)
            return .body(buffer.readSlice(length: take)!)
        case .chunked(var framing):
            guard buffer.readableBytes > 0 else { return nil }
            let dataOnly = !keepsChunkFraming
            let scan = try buffer.withUnsafeReadableBytes { try framing.scan($0, dataOnly: dataOnly) }
            state = scan.ended ? .ending : .chunked(framing)
            if !dataOnly {
                return .body(buffer.readSlice(length: scan.consumed)!)
            }
            if let data = scan.data {
                buffer.moveReaderIndex(forwardBy: data.lowerBound)
                return .body(buffer.readSlice(length: data.count)!)
            }
            buffer.moveReaderIndex(forwardBy: scan.consumed)
            return scan.ended ? next(ending: ()) : nil
        case .untilClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .ending:
            return next(ending: ())
        }
    }

    private mutating func next(ending: Void) -> ResponsePart {
        state = .idle
        return .end
    }

    /// The upstream closed its side: the end of a body delimited by the close, an error if a
    /// response was under way, nil if none was (the caller decides what an unanswered request means).
    mutating func endOfInput() throws -> ResponsePart? {
        switch state {
        case .untilClose:
            state = .idle
            return .end
        case .idle:
            return nil
        case .head where awaitsHead:
            return nil
        case .head, .length, .chunked, .ending:
            throw FramingError(.truncatedMessage)
        }
    }

    private mutating func nextHead(_ buffer: inout ByteBuffer, requestWasHEAD: Bool) throws -> ResponsePart? {
        guard let bytes = try head.take(from: &buffer, limit: Self.maxHeadSize) else { return nil }
        let parsed = try ResponseHead.parse(bytes, requestWasHEAD: requestWasHEAD)
        switch parsed.framing {
        case .none where parsed.isInformational: state = .head(requestWasHEAD: requestWasHEAD)
        case .none, .length(0): state = .ending
        case .length(let length): state = .length(remaining: length)
        case .chunked: state = .chunked(ChunkedFraming())
        case .untilClose: state = .untilClose
        }
        return .head(parsed)
    }
}
