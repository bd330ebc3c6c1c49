import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct HeaderTests {
    @Test func forwardedHeadersAreSetAndHopByHopHeadersStripped() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /headers HTTP/1.1\r
                Host: app.test:8080\r
                X-Forwarded-For: 203.0.113.7\r
                X-Forwarded-Proto: https\r
                Connection: close, X-Secret\r
                X-Secret: hop\r
                Keep-Alive: timeout=5\r
                Proxy-Connection: keep-alive\r
                TE: trailers\r
                X-Kept: yes\r
                \r

                """)
            let seen = Set(text.components(separatedBy: "\r\n\r\n").last!.split(separator: "\n").map(String.init))
            #expect(seen.contains("host: app.test:8080"))
            #expect(seen.contains("x-forwarded-for: 203.0.113.7, 127.0.0.1"))
            #expect(seen.contains("x-forwarded-proto: http"))
            #expect(seen.contains("x-forwarded-host: app.test:8080"))
            #expect(seen.contains("x-kept: yes"))
            for name in ["connection", "x-secret", "keep-alive", "proxy-connection", "te"] {
                #expect(!seen.contains { $0.hasPrefix(name + ":") }, "\(name) reached the upstream")
            }
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.lowercased().contains("connection: close\r\n"))
        }
    }

    @Test func http10ClientGetsHTTP10ResponseAndConnectionClose() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET /repeat/3 HTTP/1.0\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(text.hasSuffix("\r\n\r\nwebwebweb"))
            // The upstream still got a Host header and HTTP/1.1 keep-alive.
            #expect(web.connectionsAccepted == 1)
        }
    }

    @Test func headResponseHasNoBodyAndKeepsTheConnectionUsable() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                HEAD /repeat/10 HTTP/1.1\r
                Host: a\r
                \r
                GET /repeat/2 HTTP/1.1\r
                Host: a\r
                Connection: close\r
                \r

                """)
            let responses = text.components(separatedBy: "HTTP/1.1 200 OK\r\n").filter { !$0.isEmpty }
            #expect(responses.count == 2)
            #expect(responses.first?.lowercased().contains("content-length: 30\r\n") == true)
            #expect(responses.first?.hasSuffix("\r\n\r\n") == true)
            #expect(responses.last?.hasSuffix("\r\n\r\nwebweb") == true)
        }
    }
}
