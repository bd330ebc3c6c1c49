import SlipwayModel
import SlipwayProxy
import Testing

/// RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header, and to any
/// request with more than one. HTTP/1.0 had no Host: such a request is still served.
@Suite struct HostHeaderTests {
    static let refusal = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"

    @Test func http11RequestWithoutHostGets400AndNeverReachesTheUpstream() async throws {
        try await withProxyToWeb { _, client, web async throws in
            for request in ["GET /headers HTTP/1.1\r\n\r\n", "GET /headers HTTP/1.1\r\nConnection: close\r\nX-Host: a\r\n\r\n",
                            "GET http://a/headers HTTP/1.1\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"] {
                #expect(try await RawHTTP.exchange(port: client.port, request) == Self.refusal, "\(request.debugDescription)")
            }
            #expect(web.requestsReceived == 0)
        }
    }

    @Test func http11RequestWithTwoHostsGets400() async throws {
        try await withProxyToWeb { _, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n")
            #expect(text == Self.refusal)
            #expect(web.requestsReceived == 0)
        }
    }

    @Test func http10RequestWithoutHostIsServedWithTheUpstreamAsHost() async throws {
        try await withProxyToWeb { _, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET /headers HTTP/1.0\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(text)")
            let seen = Set(text.components(separatedBy: "\r\n\r\n").last!.split(separator: "\n").map(String.init))
            #expect(seen.contains("host: 127.0.0.1:\(web.port)"), "\(text)")
            #expect(web.requestsReceived == 1)
        }
    }

    /// Requests before the one without Host are answered; nothing after it is read.
    @Test func refusalComesAfterTheResponsesOfPipelinedRequests() async throws {
        try await withProxyToWeb { _, client, web async throws in
            let good = "GET /repeat/1 HTTP/1.1\r\nHost: a\r\n\r\n"
            let text = try await RawHTTP.exchange(port: client.port, good + "GET /repeat/2 HTTP/1.1\r\n\r\n" + good)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
            #expect(text.hasSuffix("web" + Self.refusal), "\(text)")
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 2, "\(text)")
            #expect(web.requestsReceived == 1)
        }
    }
}
