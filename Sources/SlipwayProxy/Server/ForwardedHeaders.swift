import NIOCore
import NIOHTTP1
import SlipwayModel

/// How a request head is rewritten for the upstream and a response head for the client.
///
/// Hop-by-hop headers describe one connection, never the message: they are dropped both ways,
/// with every header the `Connection` header names (responses: `ClientResponseHead`).
enum ForwardedHeaders {
    /// The request head sent upstream, encoded: HTTP/1.1 (keep-alive), hop-by-hop headers removed,
    /// `X-Forwarded-For` extended with the client's address, `X-Forwarded-Proto` and `X-Forwarded-Host`
    /// set. `chunked`: the body goes with chunk framing (the decoder removed the client's; the
    /// upstream connection re-applies it).
    static func upstreamRequest(
        _ head: HTTPRequestHead,
        clientAddress: String?,
        upstream: Upstream,
        allocator: ByteBufferAllocator
    ) -> (head: ByteBuffer, chunked: Bool) {
        var forwardedFor: String?
        var host: String?
        var chunked = false
        var hasContentLength = false
        var sawConnection = false
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .connection: sawConnection = true
            case .transferEncoding: chunked = true
            case .forwardedFor: forwardedFor = forwardedFor.map { $0 + ", " + value } ?? value
            case .host where host == nil: host = value
            case .contentLength: hasContentLength = true
            default: break
            }
        }
        // Headers the client's `Connection` names are hop-by-hop too; few requests name any, so
        // the names are only looked at when there is a `Connection` header.
        let named = sawConnection ? connectionTokens(head.headers) : []
        var out = allocator.buffer(capacity: 256 + head.uri.utf8.count)
        out.writeString(head.method.rawValue)
        out.writeStaticString(" ")
        out.writeString(head.uri)
        out.writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .connection, .hopByHop, .upgrade, .forwardedOther, .transferEncoding, .forwardedFor:
                continue
            case nil where !named.isEmpty && isNamed(name, in: named):
                continue
            default:
                writeHeader(name, value, to: &out)
            }
        }
        if chunked {
            out.writeStaticString("transfer-encoding: chunked\r\n")
        } else if !hasContentLength && head.method.mayCarryBody {
            // An absent body, said explicitly (what NIO's encoder was told to do before).
            out.writeStaticString("content-length: 0\r\n")
        }
        if host == nil { writeHeader("host", upstream.description, to: &out) }
        if let clientAddress {
            writeHeader("x-forwarded-for", forwardedFor.map { $0 + ", " + clientAddress } ?? clientAddress, to: &out)
        } else if let forwardedFor {
            writeHeader("x-forwarded-for", forwardedFor, to: &out)
        }
        out.writeStaticString("x-forwarded-proto: http\r\n")
        if let host { writeHeader("x-forwarded-host", host, to: &out) }
        out.writeStaticString("\r\n")
        return (out, chunked)
    }

    private static func writeHeader(_ name: String, _ value: String, to out: inout ByteBuffer) {
        out.writeString(name)
        out.writeStaticString(": ")
        out.writeString(value)
        out.writeStaticString("\r\n")
    }

    /// Lowercased header names listed in `Connection` headers (other than `close` and `keep-alive`).
    /// Nearly every message carries only `keep-alive` or `close`, so tokens are compared in place and
    /// only a name to drop is turned into a string (a split and `lowercased()` per message showed up
    /// as the proxy's hottest function of its own in profiles).
    private static func connectionTokens(_ headers: HTTPHeaders) -> [String] {
        var tokens: [String] = []
        for (name, value) in headers where HeaderName.classify(name) == .connection {
            var utf8 = value.utf8[...]
            while !utf8.isEmpty {
                let comma = utf8.firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
                let token = trimmed(utf8[..<comma])
                if !token.isEmpty && !HeaderName.equal(token, "close") && !HeaderName.equal(token, "keep-alive") {
                    tokens.append(String(Substring(token)).lowercased())
                }
                utf8 = comma == utf8.endIndex ? utf8[comma...] : utf8[utf8.index(after: comma)...]
            }
        }
        return tokens
    }

    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes
    }

    private static func isNamed(_ name: String, in tokens: [String]) -> Bool {
        tokens.contains { RequestTarget.equalsIgnoringCase(name[...], lowercased: $0) }
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

/// The headers routing and refusal look at, found in one pass.
struct RequestHeaderFacts {
    var host: String?
    var upgrade: String?
    var expectsContinue = false

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            switch HeaderName.classify(name) {
            case .host where host == nil: host = value
            case .upgrade: upgrade = value
            case .expect: expectsContinue = HeaderName.equal(value.utf8, "100-continue")
            default: break
            }
        }
    }
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
