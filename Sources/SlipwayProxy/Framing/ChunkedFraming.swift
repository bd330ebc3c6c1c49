/// The chunk framing of a body (RFC 9112 §7.1), followed byte by byte so a body split anywhere
/// across reads is framed the same. Only the framing is read: the bytes themselves are forwarded
/// as they came (or, for an HTTP/1.0 client, only the chunk data).
struct ChunkedFraming {
    private enum State {
        case sizeFirstDigit
        case size
        /// After a `;`: the extension's name, a token, must follow.
        case extensionNameStart
        case extensionName
        /// After `=`: a token or a quoted string.
        case extensionValueStart
        case extensionToken
        case extensionQuoted
        /// After a backslash in a quoted string.
        case extensionQuotedPair
        /// After the closing quote: `;` or the end of the line.
        case extensionQuotedEnd
        case sizeLF
        case data
        case dataCR
        case dataLF
        case trailerStart
        case trailerName
        case trailer
        case trailerLF
        case finalLF
    }

    private var state = State.sizeFirstDigit
    /// The chunk size being read, then the data left in the chunk.
    private var size = 0
    private var digits = 0
    /// The trailer name read so far, while it may still be a framing field's.
    private var trailerName = TrailerName()

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
                    state = .extensionNameStart
                } else if byte == HTTPSyntax.cr {
                    state = .sizeLF
                } else {
                    throw FramingError(.invalidChunkSize)
                }
            // Extensions as RFC 9112 §7.1.1 without its bad whitespace, which llhttp refuses too:
            // `;name`, `;name=token` or `;name="quoted"`, any number of them.
            case .extensionNameStart:
                guard HTTPSyntax.isTokenChar(byte) else { throw FramingError(.invalidChunkFraming) }
                state = .extensionName
            case .extensionName, .extensionToken:
                if byte == UInt8(ascii: "=") && state == .extensionName {
                    state = .extensionValueStart
                } else if !HTTPSyntax.isTokenChar(byte) {
                    state = try Self.afterExtension(byte)
                }
            case .extensionValueStart:
                if byte == UInt8(ascii: "\"") {
                    state = .extensionQuoted
                } else if HTTPSyntax.isTokenChar(byte) {
                    state = .extensionToken
                } else {
                    throw FramingError(.invalidChunkFraming)
                }
            case .extensionQuoted:
                if byte == UInt8(ascii: "\"") {
                    state = .extensionQuotedEnd
                } else if byte == UInt8(ascii: "\\") {
                    state = .extensionQuotedPair
                } else if !Self.isQuotedChar(byte) {
                    throw FramingError(.invalidChunkFraming)
                }
            case .extensionQuotedPair:
                guard Self.isQuotedChar(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    throw FramingError(.invalidChunkFraming)
                }
                state = .extensionQuoted
            case .extensionQuotedEnd:
                state = try Self.afterExtension(byte)
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
                    trailerName = TrailerName()
                    trailerName.append(byte)
                    state = .trailerName
                } else {
                    throw FramingError(byte == HTTPSyntax.lf ? .bareLineFeed : .invalidHeaderName)
                }
            case .trailerName:
                if byte == UInt8(ascii: ":") {
                    // A trailer can't frame the message it ends (RFC 9110 §6.5.1); llhttp refuses these too.
                    if trailerName.isFramingField { throw FramingError(.invalidHeaderName) }
                    state = .trailer
                } else if HTTPSyntax.isTokenChar(byte) {
                    trailerName.append(byte)
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

    /// What may follow a chunk extension: another one, or the end of the chunk-size line.
    private static func afterExtension(_ byte: UInt8) throws -> State {
        switch byte {
        case UInt8(ascii: ";"): .extensionNameStart
        case HTTPSyntax.cr: .sizeLF
        default: throw FramingError(.invalidChunkFraming)
        }
    }

    /// `qdtext` without obs-text, and the escaped characters of a quoted-pair other than `"` and `\\`.
    private static func isQuotedChar(_ byte: UInt8) -> Bool {
        byte == HTTPSyntax.tab || (byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\"))
    }

    /// Whether a trailer name being read is `Content-Length` or `Transfer-Encoding`, without
    /// keeping it (a name can be split across reads).
    private struct TrailerName {
        private var count = 0
        private var mayBeContentLength = true
        private var mayBeTransferEncoding = true

        mutating func append(_ byte: UInt8) {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            mayBeContentLength = mayBeContentLength && Self.matches(lower, at: count, of: "content-length")
            mayBeTransferEncoding = mayBeTransferEncoding && Self.matches(lower, at: count, of: "transfer-encoding")
            count += 1
        }

        var isFramingField: Bool {
            (mayBeContentLength && count == 14) || (mayBeTransferEncoding && count == 17)
        }

        private static func matches(_ byte: UInt8, at index: Int, of name: StaticString) -> Bool {
            index < name.utf8CodeUnitCount && name.withUTF8Buffer { $0[index] == byte }
        }
    }
}
