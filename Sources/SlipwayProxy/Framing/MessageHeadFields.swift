/// The header fields framing and forwarding read, found in one pass over a head's lines; the
/// lines themselves stay where they are. Strict as llhttp without its lenient flags: no obs-fold,
/// no control characters, token names, one Content-Length value (one line in a request),
/// Transfer-Encoding only with a final `chunked`, never with a tab, and never with Content-Length.
struct MessageHeadFields {
    var contentLength: Int?
    var transferEncoding = false
    var chunked = false
    var close = false
    var keepAlive = false
    /// A `Connection` header names other headers (hop-by-hop for this message): rare, so the
    /// lines are only searched for them when this is set.
    var connectionNamesHeaders = false
    /// Requests only: the Host value, its range in the head.
    var host: Range<Int>?
    var expectsContinue = false
    var upgrade: Range<Int>?

    /// Reads the header lines from `start` (just after the start line) to the empty line. `p` ends
    /// with CRLF CRLF, so every CR found has a byte after it.
    mutating func read(_ p: UnsafeRawBufferPointer, from start: Int, request: Bool) throws {
        var i = start
        while p[i] != HTTPSyntax.cr {
            if HTTPSyntax.isWhitespace(p[i]) { throw FramingError(.obsoleteLineFolding) }
            let nameStart = i
            while p[i] != UInt8(ascii: ":") {
                guard HTTPSyntax.isTokenChar(p[i]) else { throw FramingError(.invalidHeaderName) }
                i += 1
            }
            guard i > nameStart else { throw FramingError(.invalidHeaderName) }
            let name = p[nameStart..<i]
            i += 1
            let valueStart = i
            while p[i] != HTTPSyntax.cr {
                guard HTTPSyntax.isValueChar(p[i]) else { throw FramingError(.invalidHeaderValue) }
                i += 1
            }
            guard p[i + 1] == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
            let value = HTTPSyntax.trimmed(p[valueStart..<i])
            i += 2
            switch HeaderName.classify(bytes: name) {
            case .contentLength: try readContentLength(value, request: request)
            case .transferEncoding:
                // llhttp reads `chunked` followed by a tab as not chunked (a space is fine), so an
                // upstream may frame such a request otherwise than we would; where else a tab stands
                // in the list, parsers differ too. Nothing legitimate sends one: refused anywhere in
                // the value, leading and trailing whitespace included.
                if p[valueStart..<i].contains(HTTPSyntax.tab) { throw FramingError(.tabInTransferEncoding) }
                try readTransferEncoding(value)
            case .connection: readConnection(value)
            case .host where request:
                guard host == nil else { throw FramingError(.multipleHost) }
                host = value.startIndex..<value.endIndex
            case .expect where request: expectsContinue = HeaderName.equal(value, "100-continue")
            case .upgrade where request: upgrade = value.startIndex..<value.endIndex
            default: break
            }
        }
        guard p[i + 1] == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
        if transferEncoding && contentLength != nil { throw FramingError(.contentLengthWithTransferEncoding) }
    }

    private mutating func readContentLength(_ value: UnsafeRawBufferPointer.SubSequence, request: Bool) throws {
        // Digits only: no sign, no list ("5, 5"), at most 18 of them so the value fits an Int.
        guard !value.isEmpty, value.count <= 18 else { throw FramingError(.invalidContentLength) }
        var length = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { throw FramingError(.invalidContentLength) }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
        }
        // A request gets one Content-Length line, even with the same value twice: llhttp and nginx
        // refuse a second one too, and the upstream would get both lines to read in its own way.
        // A response may repeat its length (RFC 9110 §8.6), as some upstreams do.
        if let contentLength, request || contentLength != length { throw FramingError(.conflictingContentLength) }
        contentLength = length
    }

    private mutating func readTransferEncoding(_ value: UnsafeRawBufferPointer.SubSequence) throws {
        transferEncoding = true
        var any = false
        try HTTPSyntax.forEachListElement(value) { coding in
            any = true
            // `chunked` must be the last coding, and only once (RFC 9112 §6.1).
            if chunked { throw FramingError(.unsupportedTransferEncoding) }
            if HeaderName.equal(coding, "chunked") { chunked = true }
        }
        // `chunked,` ends with an empty element: a parser that takes the last element as it is
        // wouldn't read the body as chunked (llhttp refuses it).
        guard any, chunked, value.last != UInt8(ascii: ",") else { throw FramingError(.unsupportedTransferEncoding) }
    }

    private mutating func readConnection(_ value: UnsafeRawBufferPointer.SubSequence) {
        HTTPSyntax.forEachListElement(value) { token in
            if HeaderName.equal(token, "close") {
                close = true
            } else if HeaderName.equal(token, "keep-alive") {
                keepAlive = true
            } else {
                connectionNamesHeaders = true
            }
        }
    }
}
