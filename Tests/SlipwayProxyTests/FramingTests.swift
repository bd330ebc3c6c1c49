import SlipwayModel
import SlipwayProxy
import Testing

/// Responses as upstreams really frame them, passed through the proxy's own framer.
@Suite struct FramingTests {
    static let chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"

    private func withUpstream(
        _ respond: @escaping @Sendable (String) -> RawUpstream.Answer,
        _ body: (ReverseProxy, ProxyClient, RawUpstream) async throws -> Void
    ) async throws {
        let upstream = try await RawUpstream.start(respond)
        try await withProxy { proxy, client async throws in
            await proxy.route("web", to: upstream.upstream)
            try await body(proxy, client, upstream)
        }
        await upstream.stop()
    }

    @Test func chunkedResponseCutAnywhereReachesTheClientWithItsFraming() async throws {
        try await withUpstream({ _ in
            .init(pieces: [Self.chunkedHead + "5\r\nhel", "lo\r\n6\r", "\n world\r\n0\r\n", "\r\n"])
        }) { _, client, _ async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(text == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            #expect(try await client.get("/").body == "hello world")
        }
    }

    @Test func chunkedResponseToAnHTTP10ClientIsDechunkedAndEndsWithTheConnection() async throws {
        try await withUpstream({ _ in
            .init(pieces: [Self.chunkedHead + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.0\r\n\r\n")
            #expect(text == "HTTP/1.0 200 OK\r\nconnection: close\r\n\r\nhello world")
            #expect(upstream.requestsReceived == 1)
            #expect(try await client.get("/").body == "hello world")
        }
    }

    @Test func bodyDelimitedByTheUpstreamClosingReachesTheClientWhole() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ", "the end"], close: true)
        }) { proxy, client, _ async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nconnection: close\r\n\r\nuntil the end")
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.responses == 1)
            #expect(stats.inFlight == 0)
        }
    }

    @Test func responseWithBothContentLengthAndTransferEncodingGets502() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"])
        }) { proxy, client, _ async throws in
            let response = try await client.get("/")
            #expect(response.status == 502)
            #expect(response.body.hasSuffix("invalid response: both Content-Length and Transfer-Encoding\n"))
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.closedBeforeResponse == 1)
            #expect(stats.inFlight == 0)
            #expect(stats.idleConnections == 0)
        }
    }

    @Test func malformedChunkAfterTheHeadClosesTheClient() async throws {
        try await withUpstream({ _ in
            .init(pieces: [Self.chunkedHead + "5\r\nhello\r\nzz\r\n"])
        }) { proxy, client, _ async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            // Cut short: whatever part of it was sent, never a complete chunked body.
            #expect(!text.hasSuffix("0\r\n\r\n"))
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.abortedResponses == 1)
            #expect(stats.inFlight == 0)
        }
    }

    @Test func continueFromTheUpstreamIsPassedToTheClient() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                POST /upload HTTP/1.1\r
                Host: a\r
                Content-Length: 5\r
                Expect: 100-continue\r
                Connection: close\r
                \r
                hello
                """)
            #expect(text == "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\nconnection: close\r\n\r\nok")
            #expect(upstream.requestsReceived == 1)
        }
    }

    @Test func pipelinedRequestsGetTheirChunkedResponsesInOrder() async throws {
        try await withUpstream({ head in
            let path = head.split(separator: " ")[1]
            return .init(pieces: [Self.chunkedHead + "\(String(path.utf8.count, radix: 16))\r\n\(path)\r\n0\r\n\r\n"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /first HTTP/1.1\r
                Host: a\r
                \r
                GET /second HTTP/1.1\r
                Host: a\r
                Connection: close\r
                \r

                """)
            #expect(text == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\n/first\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n7\r\n/second\r\n0\r\n\r\n")
            #expect(upstream.connectionsAccepted == 1)
        }
    }

    @Test func bytesAfterTheEndOfAResponseKeepTheConnectionOutOfThePool() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforged"])
        }) { _, client, upstream async throws in
            #expect(try await client.get("/").body == "ok")
            #expect(try await client.get("/").body == "ok")
            #expect(upstream.connectionsAccepted == 2)
        }
    }

    @Test func headResponseWithALengthHasNoBodyAndTheConnectionServesOn() async throws {
        try await withUpstream({ head in
            head.hasPrefix("HEAD")
                ? .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"])
                : .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                HEAD / HTTP/1.1\r
                Host: a\r
                \r
                GET / HTTP/1.1\r
                Host: a\r
                Connection: close\r
                \r

                """)
            #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nconnection: close\r\n\r\nhello")
            #expect(upstream.connectionsAccepted == 1)
        }
    }

    /// A request framed two ways (CL and TE) is how a request is smuggled past a proxy: refused
    /// before anything reaches the upstream, and the connection closed.
    @Test func ambiguouslyFramedRequestGets400AndNeverReachesTheUpstream() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                POST / HTTP/1.1\r
                Host: a\r
                Content-Length: 4\r
                Transfer-Encoding: chunked\r
                \r
                0\r
                \r
                GET /admin HTTP/1.1\r
                Host: a\r
                \r

                """)
            #expect(text == "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
            #expect(upstream.requestsReceived == 0)
        }
    }

    /// llhttp reads `chunked` followed by a tab as not chunked; an upstream that does would take the
    /// chunk data for the next request. Refused before anything reaches the upstream.
    @Test func aTabAfterChunkedGets400AndNeverReachesTheUpstream() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        }) { _, client, upstream async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                POST / HTTP/1.1\r
                Host: a\r
                Transfer-Encoding: chunked\t\r
                \r
                0\r
                \r
                GET /admin HTTP/1.1\r
                Host: a\r
                \r

                """)
            #expect(text == "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
            #expect(upstream.requestsReceived == 0)
        }
    }

    @Test func refusalBehindPipelinedRequestsComesAfterTheirResponses() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        }) { _, client, upstream async throws in
            let good = "GET /delay HTTP/1.1\r\nHost: a\r\n\r\n"
            let post = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
            let text = try await RawHTTP.exchange(port: client.port, good + post + "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET /never HTTP/1.1\r\n\r\n")
            let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            #expect(text == ok + ok + "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
            #expect(upstream.requestsReceived == 2)
        }
    }

    @Test func brokenChunkInARequestBodyCutsTheConnection() async throws {
        try await withUpstream({ _ in
            .init(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        }) { proxy, client, _ async throws in
            let text = try await RawHTTP.exchange(port: client.port, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n")
            #expect(!text.contains("200 OK"))
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.inFlight == 0)
        }
    }

    @Test func headTooLargeGets431() async throws {
        try await withProxy { _, client async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 40_000) + "\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        }
    }

    @Test func connectGets501() async throws {
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            let text = try await RawHTTP.exchange(port: client.port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"))
        }
    }
}
