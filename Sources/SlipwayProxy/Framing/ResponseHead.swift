import NIOCore

/// A response head as the upstream sent it, with the facts framing and forwarding need. It is
/// never turned into `HTTPResponseHead`/`HTTPHeaders`: the client gets these bytes with only the
/// hop-by-hop lines removed (`ClientResponseHead`).
struct ResponseHead {
    var status: Int
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    /// How the body that follows is delimited, given the request's method and the status.
    var framing: BodyFraming
    /// `Transfer-Encoding: chunked` was declared (a HEAD response says so without a body).
    var declaredChunked: Bool
    /// The upstream keeps the connection open after this response.
    var keepAlive: Bool
    /// Status line through the empty line, as received.
    var bytes: ByteBuffer

    var isInformational: Bool { status < 200 }
}

extension ResponseHead {
    /// Parses a complete head: `bytes` ends with the empty line, and every LF in it follows a CR
    /// (`ResponseFramer` checked both). Strict as llhttp without its lenient flags: no obs-fold,
    /// no control characters, token header names, one Content-Length value, Transfer-Encoding
    /// only with a final `chunked` and never with Content-Length.
    static func parse(_ bytes: ByteBuffer, requestWasHEAD: Bool) throws -> ResponseHead {
        var facts = Facts()
        try bytes.withUnsafeReadableBytes { p in try facts.read(p) }
        let framing: BodyFraming
        if facts.status == 101 {
            // The proxy forwards no Upgrade header, so no upstream may switch protocols.
            throw FramingError(.switchingProtocols)
        } else if facts.status < 200 || requestWasHEAD || facts.status == 204 || facts.status == 304 {
            framing = .none
        } else if facts.chunked {
            framing = .chunked
        } else if let length = facts.contentLength {
            framing = .length(length)
        } else {
            framing = .untilClose
        }
        let persistent = facts.minorVersion == 1 ? !facts.close : (facts.keepAlive && !facts.close)
        return ResponseHead(
            status: facts.status,
            minorVersion: facts.minorVersion,
            framing: framing,
            declaredChunked: facts.chunked,
            keepAlive: persistent && framing != .untilClose,
            bytes: bytes
        )
    }

    /// What one pass over the head finds.
    private struct Facts {
        var status = 0
        var minorVersion = 1
        var contentLength: Int?
        var transferEncoding = false
        var chunked = false
        var close = false
        var keepAlive = false

        mutating func read(_ p: UnsafeRawBufferPointer) throws {
            // "HTTP/1.x SSS" then " reason" or nothing, then CRLF.
            guard p.count >= 16,
                  p[0] == UInt8(ascii: "H"), p[1] == UInt8(ascii: "T"), p[2] == UInt8(ascii: "T"), p[3] == UInt8(ascii: "P"),
                  p[4] == UInt8(ascii: "/"), p[5] == UInt8(ascii: "1"), p[6] == UInt8(ascii: "."),
                  p[7] == UInt8(ascii: "0") || p[7] == UInt8(ascii: "1"),
                  p[8] == HTTPSyntax.space
            else { throw FramingError(.invalidStatusLine) }
            minorVersion = Int(p[7] - UInt8(ascii: "0"))
            for i in 9..<12 {
                guard p[i] >= UInt8(ascii: "0") && p[i] <= UInt8(ascii: "9") else { throw FramingError(.invalidStatusLine) }
                status = status * 10 + Int(p[i] - UInt8(ascii: "0"))
            }
            guard status >= 100 else { throw FramingError(.invalidStatusLine) }
            var i = 12
            if p[i] == HTTPSyntax.space {
                i += 1
                while p[i] != HTTPSyntax.cr {
                    guard HTTPSyntax.isValueChar(p[i]) else { throw FramingError(.invalidStatusLine) }
                    i += 1
                }
            }
            // The head ends with CRLF CRLF, so every CR found here has a byte after it.
            guard p[i] == HTTPSyntax.cr, p[i + 1] == HTTPSyntax.lf else { throw FramingError(.invalidStatusLine) }
            i += 2
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
                case .contentLength: try readContentLength(value)
                case .transferEncoding: try readTransferEncoding(value)
                case .connection: readConnection(value)
                default: break
                }
            }
            guard p[i + 1] == HTTPSyntax.lf else { throw FramingError(.bareCarriageReturn) }
            if transferEncoding && contentLength != nil { throw FramingError(.contentLengthWithTransferEncoding) }
        }

        private mutating func readContentLength(_ value: UnsafeRawBufferPointer.SubSequence) throws {
            // Digits only: no sign, no list ("5, 5"), at most 18 of them so the value fits an Int.
            guard !value.isEmpty, value.count <= 18 else { throw FramingError(.invalidContentLength) }
            var length = 0
            for byte in value {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { throw FramingError(.invalidContentLength) }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
            }
            if let contentLength, contentLength != length { throw FramingError(.conflictingContentLength) }
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
            guard any, chunked else { throw FramingError(.unsupportedTransferEncoding) }
        }

        private mutating func readConnection(_ value: UnsafeRawBufferPointer.SubSequence) {
            HTTPSyntax.forEachListElement(value) { token in
                if HeaderName.equal(token, "close") { close = true }
                if HeaderName.equal(token, "keep-alive") { keepAlive = true }
            }
        }
    }
}
