import NIOHTTP1
import SlipwayModel

/// How a request head is rewritten for the upstream and a response head for the client.
///
/// Hop-by-hop headers (RFC 9110 §7.6.1, and the list Go's `httputil.ReverseProxy` strips, which
/// kamal-proxy inherits) describe one connection, never the message: they are dropped both ways,
/// with every header the `Connection` header names. Body framing is recomputed by NIO's encoders.
enum ForwardedHeaders {
    private static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
        "transfer-encoding", "proxy-authenticate", "proxy-authorization",
    ]

    /// The request sent upstream: HTTP/1.1 (keep-alive), hop-by-hop headers removed,
    /// `X-Forwarded-For` extended with the client's address, `X-Forwarded-Proto` and `X-Forwarded-Host` set.
    static func upstreamRequest(_ head: HTTPRequestHead, clientAddress: String?, upstream: Upstream) -> HTTPRequestHead {
        let named = connectionTokens(head.headers)
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 3)
        var forwardedFor: String?
        var host: String?
        var chunked = false
        var hasContentLength = false
        for (name, value) in head.headers {
            if isHopByHop(name, named: named) {
                if equals(name, "transfer-encoding") { chunked = true }
                continue
            }
            if equals(name, "x-forwarded-for") {
                forwardedFor = forwardedFor.map { $0 + ", " + value } ?? value
                continue
            }
            if equals(name, "x-forwarded-proto") || equals(name, "x-forwarded-host") { continue }
            if host == nil && equals(name, "host") { host = value }
            if equals(name, "content-length") { hasContentLength = true }
            headers.add(name: name, value: value)
        }
        if chunked {
            // The decoder removed the client's chunk framing; the encoder re-applies it.
            headers.add(name: "transfer-encoding", value: "chunked")
        } else if !hasContentLength && head.method.mayCarryBody {
            // Without it NIO's encoder would frame an absent body as chunked.
            headers.add(name: "content-length", value: "0")
        }
        if host == nil { headers.add(name: "host", value: upstream.description) }
        if let clientAddress {
            headers.add(name: "x-forwarded-for", value: forwardedFor.map { $0 + ", " + clientAddress } ?? clientAddress)
        } else if let forwardedFor {
            headers.add(name: "x-forwarded-for", value: forwardedFor)
        }
        headers.add(name: "x-forwarded-proto", value: "http")
        if let host { headers.add(name: "x-forwarded-host", value: host) }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    /// The response head sent to the client, and whether the client connection must close after it.
    /// `close` forces `Connection: close` (the request body can't be read to its end).
    static func clientResponse(_ head: HTTPResponseHead, to request: ClientRequest, close forceClose: Bool = false) -> (head: HTTPResponseHead, close: Bool) {
        let named = connectionTokens(head.headers)
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 1)
        var hasContentLength = false
        for (name, value) in head.headers {
            if isHopByHop(name, named: named) { continue }
            if equals(name, "content-length") { hasContentLength = true }
            headers.add(name: name, value: value)
        }
        var close = !request.keepAlive || forceClose
        let http10 = request.version.major == 1 && request.version.minor == 0
        let informational = head.status.code < 200
        if http10 && !hasContentLength && !informational && head.status.mayHaveResponseBody && request.method != .HEAD {
            // An HTTP/1.0 client can't read chunked framing: the body ends when the connection does.
            close = true
        }
        if !informational {
            if close {
                headers.add(name: "connection", value: "close")
            } else if http10 {
                headers.add(name: "connection", value: "keep-alive")
            }
        }
        return (HTTPResponseHead(version: request.version, status: head.status, headers: headers), close && !informational)
    }

    /// Lowercased header names listed in `Connection` headers.
    private static func connectionTokens(_ headers: HTTPHeaders) -> [String] {
        var tokens: [String] = []
        for value in headers[canonicalForm: "connection"] {
            let token = value.lowercased()
            if token != "close" && token != "keep-alive" { tokens.append(token) }
        }
        return tokens
    }

    private static func isHopByHop(_ name: String, named: [String]) -> Bool {
        for hop in hopByHop where equals(name, hop) { return true }
        for token in named where equals(name, token) { return true }
        return false
    }

    private static func equals(_ name: String, _ lowercased: String) -> Bool {
        RequestTarget.equalsIgnoringCase(name[...], lowercased: lowercased)
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
