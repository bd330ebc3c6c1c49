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
        /// `scanned`: bytes of the partial head already searched for its end.
        case head(requestWasHEAD: Bool, scanned: Int)
        case length(remaining: Int)
        case chunked(ChunkedFraming)
        case untilClose
        /// The body is complete: `.end` is next.
        case ending
    }

    private var state = State.idle
    /// Head bytes of earlier reads while the head is incomplete.
    private var partialHead: ByteBuffer?
    /// Off for an HTTP/1.0 client, which can't read chunk framing: only chunk data is returned.
    var keepsChunkFraming = true

    init() {}

    /// The next response starts; `toHEAD` when it answers a HEAD request (no body, whatever it says).
    mutating func expectResponse(toHEAD: Bool) {
        state = .head(requestWasHEAD: toHEAD, scanned: 0)
        partialHead = nil
        keepsChunkFraming = true
    }

    /// The connection closing ends the body being read.
    var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// A response was expected and nothing of it has arrived yet.
    var awaitsHead: Bool {
        if case .head(_, 0) = state, partialHead == nil { return true }
        return false
    }

    /// The next part in `buffer`, whose bytes it consumes; nil once `buffer` holds no more of one
    /// (what it held may be kept as a partial head).
    mutating func next(_ buffer: inout ByteBuffer) throws -> ResponsePart? {
        switch state {
        case .idle:
            if buffer.readableBytes > 0 { throw FramingError(.unexpectedBytes) }
            return nil
        case .head(let requestWasHEAD, let scanned):
            return try nextHead(&buffer, requestWasHEAD: requestWasHEAD, scanned: scanned)
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

    private mutating func nextHead(_ buffer: inout ByteBuffer, requestWasHEAD: Bool, scanned: Int) throws -> ResponsePart? {
        if var partial = partialHead {
            partialHead = nil
            partial.writeBuffer(&buffer)
            buffer = partial
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let length = try buffer.withUnsafeReadableBytes({ try Self.headLength($0, from: scanned) }) else {
            guard buffer.readableBytes <= Self.maxHeadSize else { throw FramingError(.headTooLarge) }
            state = .head(requestWasHEAD: requestWasHEAD, scanned: buffer.readableBytes)
            partialHead = buffer
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        guard length <= Self.maxHeadSize else { throw FramingError(.headTooLarge) }
        let head = try ResponseHead.parse(buffer.readSlice(length: length)!, requestWasHEAD: requestWasHEAD)
        switch head.framing {
        case .none where head.isInformational: state = .head(requestWasHEAD: requestWasHEAD, scanned: 0)
        case .none, .length(0): state = .ending
        case .length(let length): state = .length(remaining: length)
        case .chunked: state = .chunked(ChunkedFraming())
        case .untilClose: state = .untilClose
        }
        return .head(head)
    }

    /// The length of the head up to and including its empty line, if `p` holds all of it. Every LF
    /// must follow a CR (no bare LF, as llhttp without its lenient flags).
    private static func headLength(_ p: UnsafeRawBufferPointer, from scanned: Int) throws -> Int? {
        var i = scanned
        while i < p.count {
            if p[i] == HTTPSyntax.lf {
                guard i > 0, p[i - 1] == HTTPSyntax.cr else { throw FramingError(.bareLineFeed) }
                if i >= 3 && p[i - 2] == HTTPSyntax.lf { return i + 1 }
            }
            i += 1
        }
        return nil
    }
}
