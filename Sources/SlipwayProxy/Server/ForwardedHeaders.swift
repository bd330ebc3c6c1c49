import NIOHTTP1
import SlipwayModel

/// How a request head is rewritten for the upstream and a response head for the client.
///
/// Hop-by-hop headers describe one connection, never the message: they are dropped both ways,
/// with every header the `Connection` header names. Body framing is recomputed by NIO's encoders.
enum ForwardedHeaders {
    /// The request sent upstream: HTTP/1.1 (keep-alive), hop-by-hop headers removed,
    /// `X-Forwarded-For` extended with the client's address, `X-Forwarded-Proto` and `X-Forwarded-Host` set.
    static func upstreamRequest(_ head: HTTPRequestHead, clientAddress: String?, upstream: Upstream) -> HTTPRequestHead {
        var headers: [(String, String)] = []
        headers.reserveCapacity(head.headers.count + 3)
        var forwardedFor: String?
        var host: String?
        var chunked = false
        var hasContentLength = false
        var sawConnection = false
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .connection:
                sawConnection = true
                continue
            case .hopByHop, .upgrade, .forwardedOther:
                continue
            case .transferEncoding:
                chunked = true
                continue
            case .forwardedFor:
                forwardedFor = forwardedFor.map { $0 + ", " + value } ?? value
                continue
            case .host:
                if host == nil { host = value }
            case .contentLength:
                hasContentLength = true
            case .expect, nil:
                break
            }
            headers.append((name, value))
        }
        if sawConnection {
            // Headers the client's `Connection` names are hop-by-hop too; few requests name any, so
            // the names are only looked at when there is a `Connection` header.
            let named = connectionTokens(head.headers)
            if !named.isEmpty {
                headers.removeAll { HeaderName.classify($0.0) == nil && isNamed($0.0, in: named) }
            }
        }
        if chunked {
            // The decoder removed the client's chunk framing; the encoder re-applies it.
            headers.append(("transfer-encoding", "chunked"))
        } else if !hasContentLength && head.method.mayCarryBody {
            // Without it NIO's encoder would frame an absent body as chunked.
            headers.append(("content-length", "0"))
        }
        if host == nil { headers.append(("host", upstream.description)) }
        if let clientAddress {
            headers.append(("x-forwarded-for", forwardedFor.map { $0 + ", " + clientAddress } ?? clientAddress))
        } else if let forwardedFor {
            headers.append(("x-forwarded-for", forwardedFor))
        }
        headers.append(("x-forwarded-proto", "http"))
        if let host { headers.append(("x-forwarded-host", host)) }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: HTTPHeaders(headers))
    }

    /// The response head sent to the client, and whether the client connection must close after it.
    /// `close` forces `Connection: close` (the proxy won't read another request on this connection).
    static func clientResponse(_ head: HTTPResponseHead, to request: ClientRequest, close forceClose: Bool = false) -> (head: HTTPResponseHead, close: Bool) {
        let informational = head.status.code < 200
        let http10 = request.version.major == 1 && request.version.minor == 0
        var close = !request.keepAlive || forceClose
        var hasContentLength = false
        var hopByHop = false
        var sawConnection = false
        for (name, _) in head.headers {
            switch HeaderName.classify(name) {
            case .connection:
                hopByHop = true
                sawConnection = true
            case .hopByHop, .upgrade, .transferEncoding: hopByHop = true
            case .contentLength: hasContentLength = true
            default: break
            }
        }
        if http10 && !hasContentLength && !informational && head.status.mayHaveResponseBody && request.method != .HEAD {
            // An HTTP/1.0 client can't read chunked framing: the body ends when the connection does.
            close = true
        }
        let connection: String? = informational ? nil : (close ? "close" : (http10 ? "keep-alive" : nil))
        close = close && !informational
        guard hopByHop || connection != nil else {
            return (HTTPResponseHead(version: request.version, status: head.status, headers: head.headers), close)
        }
        let named = sawConnection ? connectionTokens(head.headers) : []
        var headers: [(String, String)] = []
        headers.reserveCapacity(head.headers.count + 1)
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .hopByHop, .upgrade, .connection, .transferEncoding: continue
            case nil where !named.isEmpty && isNamed(name, in: named): continue
            default: headers.append((name, value))
            }
        }
        if let connection { headers.append(("connection", connection)) }
        return (HTTPResponseHead(version: request.version, status: head.status, headers: HTTPHeaders(headers)), close)
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
