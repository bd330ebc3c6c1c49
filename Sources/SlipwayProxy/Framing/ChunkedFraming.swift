/// The chunk framing of a body (RFC 9112 §7.1), followed byte by byte so a body split anywhere
/// across reads is framed the same. Only the framing is read: the bytes themselves are forwarded
/// as they came (or, for an HTTP/1.0 client, only the chunk data).
struct ChunkedFraming {
    private enum State {
        case sizeFirstDigit
        case size
        case chunkExtension
        case sizeLF
        case data
        case dataCR
        case dataLF
        case trailerStart
        case trailer
        case trailerLF
        case finalLF
    }

    private var state = State.sizeFirstDigit
    /// The chunk size being read, then the data left in the chunk.
    private var size = 0
    private var digits = 0

    /// What one call to `scan` found.
    struct Scan: Equatable {
        /// Bytes of the input that were read.
        var consumed: Int
        /// With `dataOnly`: chunk data within the consumed bytes (it ends them).
        var data: Range<Int>?
        /// The consumed bytes end the message.
        var ended: Bool
    }

    /// Reads framing and data from `p` until it ends or the message does. With `dataOnly`, stops
    /// after the first run of chunk data and returns where it is.
    mutating func scan(_ p: UnsafeRawBufferPointer, dataOnly: Bool) throws -> Scan {
        var i = 0
        while i < p.count {
            let byte = p[i]
            switch state {
            case .sizeFirstDigit:
                guard let value = HTTPSyntax.hexValue(byte) else { throw FramingError(.invalidChunkSize) }
                size = value
                digits = 1
                state = .size
            case .size:
                if let value = HTTPSyntax.hexValue(byte) {
                    digits += 1
                    // 15 hex digits: 2^60 bytes, and no overflow.
                    guard digits <= 15 else { throw FramingError(.invalidChunkSize) }
                    size = size << 4 | value
                } else if byte == UInt8(ascii: ";") {
                    state = .chunkExtension
                } else if byte == HTTPSyntax.cr {
                    state = .sizeLF
                } else {
                    throw FramingError(.invalidChunkSize)
                }
            case .chunkExtension:
                if byte == HTTPSyntax.cr {
                    state = .sizeLF
                } else if !HTTPSyntax.isValueChar(byte) {
                    throw FramingError(.invalidChunkFraming)
                }
            case .sizeLF:
                guard byte == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
                state = size == 0 ? .trailerStart : .data
            case .data:
                let take = min(size, p.count - i)
                size -= take
                if size == 0 { state = .dataCR }
                if dataOnly { return Scan(consumed: i + take, data: i..<(i + take), ended: false) }
                i += take
                continue
            case .dataCR:
                guard byte == HTTPSyntax.cr else { throw FramingError(.invalidChunkFraming) }
                state = .dataLF
            case .dataLF:
                guard byte == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
                state = .sizeFirstDigit
            case .trailerStart:
                if byte == HTTPSyntax.cr {
                    state = .finalLF
                } else if HTTPSyntax.isWhitespace(byte) {
                    throw FramingError(.obsoleteLineFolding)
                } else if HTTPSyntax.isTokenChar(byte) {
                    state = .trailer
                } else {
                    throw FramingError(byte == HTTPSyntax.lf ? .bareLineFeed : .invalidHeaderName)
                }
            case .trailer:
                if byte == HTTPSyntax.cr {
                    state = .trailerLF
                } else if !HTTPSyntax.isValueChar(byte) {
                    throw FramingError(byte == HTTPSyntax.lf ? .bareLineFeed : .invalidHeaderValue)
                }
            case .trailerLF:
                guard byte == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
                state = .trailerStart
            case .finalLF:
                guard byte == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
                state = .sizeFirstDigit
                return Scan(consumed: i + 1, data: nil, ended: true)
            }
            i += 1
        }
        return Scan(consumed: i, data: nil, ended: false)
    }
}
