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

    /// - Parameters:
    ///   - forceClose: the proxy won't read another request on this connection.
    ///   - setCookie: a `Set-Cookie` line the proxy adds (a sticky service's), after the upstream's own.
    init(_ head: ResponseHead, to request: ClientRequest, forceClose: Bool, setCookie: String? = nil,
         allocator: ByteBufferAllocator) {
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
        self.bytes = Self.rewrite(
            head.bytes,
            minorVersion: http10 ? 0 : 1,
            connection: connection,
            chunked: chunked,
            findNamed: head.connectionNamesHeaders,
            setCookie: informational ? nil : setCookie,
            allocator: allocator
        )
    }

    private static func rewrite(
        _ head: ByteBuffer,
        minorVersion: Int,
        connection: StaticString?,
        chunked: Bool,
        findNamed: Bool,
        setCookie: String?,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: head.readableBytes + 48)
        head.withUnsafeReadableBytes { p in
            out.writeStaticString(minorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1")
            var start = HeadLines.lineEnd(p, from: 0)
            out.writeBytes(UnsafeRawBufferPointer(rebasing: p[8..<start]))
            let named = findNamed ? HeadLines.connectionNamedHeaders(p, from: start) : nil
            while p[start] != HTTPSyntax.cr {
                let end = HeadLines.lineEnd(p, from: start)
                let name = p[start..<HeadLines.colon(p, from: start)]
                switch HeaderName.classify(bytes: name) {
                case .hopByHop, .upgrade, .connection, .transferEncoding:
                    break
                case nil:
                    // Only headers the proxy doesn't interpret may be named away: a `Connection`
                    // naming Content-Length must not unframe the body that follows.
                    if let named, HeadLines.isNamed(name, in: named, of: p) { break }
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: p[start..<end]))
                default:
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: p[start..<end]))
                }
                start = end
            }
        }
        if let setCookie {
            out.writeStaticString("set-cookie: ")
            out.writeString(setCookie)
            out.writeStaticString("\r\n")
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
}
