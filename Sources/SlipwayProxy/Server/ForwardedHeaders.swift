import NIOCore
import NIOHTTP1
import SlipwayModel

/// How a request head is rewritten for the upstream and a response head for the client.
///
/// Hop-by-hop headers describe one connection, never the message: they are dropped both ways,
/// with every header the `Connection` header names (responses: `ClientResponseHead`).
enum ForwardedHeaders {
    /// The request head sent upstream: HTTP/1.1 (keep-alive), hop-by-hop lines removed,
    /// `X-Forwarded-For` extended with the client's address, `X-Forwarded-Proto` (`https` over TLS) and
    /// `X-Forwarded-Host` set. Every other line is copied byte for byte from the client's head.
    static func upstreamRequest(
        _ head: RequestHead,
        clientAddress: String?,
        secure: Bool = false,
        upstream: Upstream,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: head.bytes.readableBytes + 128)
        head.bytes.withUnsafeReadableBytes { p in
            // The request line up to its version ("HTTP/1.x" CRLF: 10 bytes), then ours.
            out.writeBytes(UnsafeRawBufferPointer(rebasing: p[0..<(head.headerStart - 10)]))
            out.writeStaticString("HTTP/1.1\r\n")
            let named = head.connectionNamesHeaders ? HeadLines.connectionNamedHeaders(p, from: head.headerStart) : nil
            var forwardedFor: [Range<Int>]?
            var start = head.headerStart
            while p[start] != HTTPSyntax.cr {
                let end = HeadLines.lineEnd(p, from: start)
                let colon = HeadLines.colon(p, from: start)
                let name = p[start..<colon]
                switch HeaderName.classify(bytes: name) {
                case .connection, .hopByHop, .upgrade, .forwardedOther, .transferEncoding:
                    break
                case .forwardedFor:
                    let value = HTTPSyntax.trimmed(p[(colon + 1)..<(end - 2)])
                    forwardedFor = (forwardedFor ?? []) + [value.startIndex..<value.endIndex]
                case nil:
                    // Only headers the proxy doesn't interpret may be named away: a `Connection`
                    // naming Content-Length must not unframe the body that follows.
                    if let named, HeadLines.isNamed(name, in: named, of: p) { break }
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: p[start..<end]))
                case .contentLength, .host, .expect:
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: p[start..<end]))
                }
                start = end
            }
            if head.framing == .chunked {
                // The client's chunk framing goes upstream as it came.
                out.writeStaticString("transfer-encoding: chunked\r\n")
            } else if !head.hasContentLength && head.method.mayCarryBody {
                // An absent body, said explicitly.
                out.writeStaticString("content-length: 0\r\n")
            }
            if head.host == nil {
                out.writeStaticString("host: ")
                out.writeString(upstream.description)
                out.writeStaticString("\r\n")
            }
            // Earlier proxies' addresses, in order, then the client's.
            if forwardedFor != nil || clientAddress != nil {
                out.writeStaticString("x-forwarded-for: ")
                var first = true
                for range in forwardedFor ?? [] {
                    if !first { out.writeStaticString(", ") }
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: p[range]))
                    first = false
                }
                if let clientAddress {
                    if !first { out.writeStaticString(", ") }
                    out.writeString(clientAddress)
                }
                out.writeStaticString("\r\n")
            }
        }
        // The scheme the client used with this proxy: TLS is terminated here, the upstream hears HTTP.
        out.writeStaticString(secure ? "x-forwarded-proto: https\r\n" : "x-forwarded-proto: http\r\n")
        if let host = head.host {
            out.writeStaticString("x-forwarded-host: ")
            out.writeString(host)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }
}

/// The facts about a client's request that shape the response sent back.
struct ClientRequest {
    var method: HTTPMethod
    var version: HTTPVersion
    var keepAlive: Bool
    /// `Expect: 100-continue`: a client that may hold its body back until told to send it.
    var expectsContinue: Bool = false
}

extension HTTPMethod {
    /// Requests with these methods are replayed once after a reused upstream connection closes
    /// before answering (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: true
        default: false
        }
    }

    var mayCarryBody: Bool {
        switch self {
        case .POST, .PUT, .PATCH: true
        default: false
        }
    }
}
