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
        let named = connectionTokens(head.headers)
        var headers: [(String, String)] = []
        headers.reserveCapacity(head.headers.count + 3)
        var forwardedFor: String?
        var host: String?
        var chunked = false
        var hasContentLength = false
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .hopByHop, .upgrade, .connection, .forwardedOther:
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
            case .expect:
                break
            case nil:
                if !named.isEmpty && isNamed(name, in: named) { continue }
            }
            headers.append((name, value))
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
        for (name, _) in head.headers {
            switch HeaderName.classify(name) {
            case .hopByHop, .upgrade, .connection, .transferEncoding: hopByHop = true
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
        let named = connectionTokens(head.headers)
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
    private static func connectionTokens(_ headers: HTTPHeaders) -> [String] {
        var tokens: [String] = []
        for (name, value) in headers where HeaderName.classify(name) == .connection {
            for token in value.split(separator: ",") {
                let token = token.trimmingSpaces().lowercased()
                if !token.isEmpty && token != "close" && token != "keep-alive" { tokens.append(token) }
            }
        }
        return tokens
    }

    private static func isNamed(_ name: String, in tokens: [String]) -> Bool {
        tokens.contains { RequestTarget.equalsIgnoringCase(name[...], lowercased: $0) }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
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
