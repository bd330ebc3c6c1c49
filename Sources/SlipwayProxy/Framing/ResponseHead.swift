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
    var connectionNamesHeaders: Bool
    /// Status line through the empty line, as received.
    var bytes: ByteBuffer

    var isInformational: Bool { status < 200 }
}

extension ResponseHead {
    /// Parses a complete head: `bytes` ends with the empty line, and every LF in it follows a CR
    /// (`HeadAccumulator` checked both). Header rules: `MessageHeadFields`.
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
            connectionNamesHeaders: facts.fields.connectionNamesHeaders,
            bytes: bytes
        )
    }

    /// What one pass over the head finds.
    private struct Facts {
        var status = 0
        var minorVersion = 1
        var fields = MessageHeadFields()
        var contentLength: Int? { fields.contentLength }
        var chunked: Bool { fields.chunked }
        var close: Bool { fields.close }
        var keepAlive: Bool { fields.keepAlive }

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
            guard p[i] == HTTPSyntax.cr, p[i + 1] == HTTPSyntax.lf else { throw FramingError(.invalidStatusLine) }
            try fields.read(p, from: i + 2, request: false)
        }
    }
}
