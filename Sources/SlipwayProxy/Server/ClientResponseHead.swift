import NIOCore

/// The response head sent to a client: the upstream's head with the client's HTTP version,
/// without hop-by-hop lines (and the lines its `Connection` header names), plus the proxy's own
/// `Connection` and `Transfer-Encoding` lines. Every other line is copied byte for byte: the
/// upstream's head was validated by `ResponseHead.parse`, and is never decoded into values.
struct ClientResponseHead {
    var bytes: ByteBuffer
    /// The client connection closes after this response.
    var close: Bool
    /// The body comes chunked but the client speaks HTTP/1.0: only chunk data is forwarded, and
    /// the close ends the body.
    var dechunk: Bool

    /// - Parameter forceClose: the proxy won't read another request on this connection.
    init(_ head: ResponseHead, to request: ClientRequest, forceClose: Bool, allocator: ByteBufferAllocator) {
        let informational = head.isInformational
        let http10 = request.version.major == 1 && request.version.minor == 0
        var close = !request.keepAlive || forceClose
        // Without a length, an HTTP/1.0 client's body ends with the connection; so does any body
        // the upstream delimits by closing (nginx would re-chunk it; this proxy just closes).
        if head.framing == .untilClose || (http10 && head.framing == .chunked) { close = true }
        let connection: StaticString? = informational ? nil : (close ? "close" : (http10 ? "keep-alive" : nil))
        let chunked = head.declaredChunked && !http10 && !informational && head.status != 204 && head.status != 304
        self.close = close && !informational
        self.dechunk = http10 && head.framing == .chunked
        self.bytes = Self.rewrite(head.bytes, minorVersion: http10 ? 0 : 1, connection: connection, chunked: chunked, allocator: allocator)
    }

    private static func rewrite(
        _ head: ByteBuffer,
        minorVersion: Int,
        connection: StaticString?,
        chunked: Bool,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: head.readableBytes + 48)
        head.withUnsafeReadableBytes { p in
            let named = connectionNamedHeaders(p)
            out.writeStaticString(minorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1")
            var lineEnd = Self.lineEnd(p, from: 0)
            out.writeBytes(UnsafeRawBufferPointer(rebasing: p[8..<lineEnd]))
            var start = lineEnd
            // Each line: name ':' value CRLF, until the empty line.
            while p[start] != HTTPSyntax.cr {
                lineEnd = Self.lineEnd(p, from: start)
                var colon = start
                while p[colon] != UInt8(ascii: ":") { colon += 1 }
                let name = p[start..<colon]
                var keep = true
                switch HeaderName.classify(bytes: name) {
                case .hopByHop, .upgrade, .connection, .transferEncoding: keep = false
                default: break
                }
                if keep, let named, named.contains(where: { Self.equalIgnoringCase(p[$0], name) }) { keep = false }
                if keep { out.writeBytes(UnsafeRawBufferPointer(rebasing: p[start..<lineEnd])) }
                start = lineEnd
            }
        }
        if chunked { out.writeStaticString("transfer-encoding: chunked\r\n") }
        if let connection {
            out.writeStaticString("connection: ")
            out.writeStaticString(connection)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }

    /// The index after the CRLF ending the line that starts at `start`.
    @inline(__always)
    private static func lineEnd(_ p: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while p[i] != HTTPSyntax.lf { i += 1 }
        return i + 1
    }

    /// Where the header names listed in `Connection` headers are (other than `close` and
    /// `keep-alive`); nil when there are none, as in nearly every response.
    private static func connectionNamedHeaders(_ p: UnsafeRawBufferPointer) -> [Range<Int>]? {
        var named: [Range<Int>]?
        var start = lineEnd(p, from: 0)
        while p[start] != HTTPSyntax.cr {
            let end = lineEnd(p, from: start)
            var colon = start
            while p[colon] != UInt8(ascii: ":") { colon += 1 }
            if HeaderName.classify(bytes: p[start..<colon]) == .connection {
                HTTPSyntax.forEachListElement(p[(colon + 1)..<(end - 2)]) { token in
                    if !HeaderName.equal(token, "close") && !HeaderName.equal(token, "keep-alive") {
                        named = (named ?? []) + [token.startIndex..<token.endIndex]
                    }
                }
            }
            start = end
        }
        return named
    }

    private static func equalIgnoringCase(_ a: UnsafeRawBufferPointer.SubSequence, _ b: UnsafeRawBufferPointer.SubSequence) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            guard x | 0x20 == y | 0x20, (x | 0x20) >= UInt8(ascii: "a"), (x | 0x20) <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
