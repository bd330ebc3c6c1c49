import NIOCore
import SlipwayModel
import Testing
@testable import SlipwayProxy

/// The request head the upstream gets: the client's lines, minus hop-by-hop ones, plus forwarding.
@Suite struct UpstreamRequestTests {
    private func forward(_ text: String, clientAddress: String? = "192.0.2.1") throws -> String {
        let head = try #require(try frameRequests([text]).heads.first)
        let encoded = ForwardedHeaders.upstreamRequest(
            head,
            clientAddress: clientAddress,
            upstream: Upstream(host: "127.0.0.1", port: 9000, releaseID: "r1"),
            allocator: ByteBufferAllocator()
        )
        return String(buffer: encoded)
    }

    @Test func headIsHTTP11WithForwardingHeadersAndNoHopByHopLines() throws {
        let text = try forward("""
            GET /a?b=1 HTTP/1.0\r
            Host: app.test\r
            Connection: keep-alive, X-Hop\r
            X-Hop: 1\r
            X-Forwarded-For: 203.0.113.7\r
            x-forwarded-for: 198.51.100.2 \r
            X-Forwarded-Proto: https\r
            X-Forwarded-Host: evil.test\r
            Keep-Alive: timeout=5\r
            TE: trailers\r
            Accept: */*\r
            \r

            """)
        #expect(text == """
            GET /a?b=1 HTTP/1.1\r
            Host: app.test\r
            Accept: */*\r
            x-forwarded-for: 203.0.113.7, 198.51.100.2, 192.0.2.1\r
            x-forwarded-proto: http\r
            x-forwarded-host: app.test\r
            \r

            """)
    }

    /// `Connection: content-length` would unframe the body if it were obeyed; it only drops
    /// headers the proxy doesn't interpret.
    @Test func connectionNeverNamesFramingOrRoutingHeadersAway() throws {
        let text = try forward("PUT /x HTTP/1.1\r\nHost: a\r\nConnection: Content-Length, Host, Expect, X-Mine\r\nContent-Length: 3\r\nExpect: 100-continue\r\nX-Mine: 1\r\n\r\n", clientAddress: nil)
        #expect(text == "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
    }

    @Test func chunkedBodyIsDeclaredAndAbsentBodySaidExplicitly() throws {
        let chunked = try forward("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(chunked == "POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\nx-forwarded-for: 192.0.2.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
        let empty = try forward("POST / HTTP/1.1\r\nHost: a\r\n\r\n", clientAddress: nil)
        #expect(empty == "POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 0\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
        let length = try forward("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n", clientAddress: nil)
        #expect(length == "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
    }

    /// Only an HTTP/1.0 request may come without Host (RFC 9112 §3.2): the upstream gets its address.
    @Test func requestWithoutHostGetsTheUpstreamAsHost() throws {
        let text = try forward("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n")
        #expect(text == "POST / HTTP/1.1\r\nContent-Length: 3\r\nhost: 127.0.0.1:9000\r\nx-forwarded-for: 192.0.2.1\r\nx-forwarded-proto: http\r\n\r\n")
    }
}
