import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct KeepAliveTests {
    @Test func upstreamConnectionsAreReused() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            for _ in 0..<50 {
                #expect(try await client.get("/").body == "web")
            }
            #expect(web.requestsReceived == 50)
            #expect(web.connectionsAccepted <= 2)
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.responses == 50)
            #expect(stats.status2xx == 50)
            #expect(stats.connectionsOpened == web.connectionsAccepted)
            #expect(stats.inFlight == 0)
            #expect(stats.services == [ServiceKey(service: "web")])
        }
    }

    @Test func requestRacingAnUpstreamCloseIsRetriedOnAFreshConnection() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            #expect(try await client.get("/").body == "web")
            web.dropNextRequestOnReusedConnection()

            let response = try await client.get("/")
            #expect(response.status == 200)
            #expect(response.body == "web")
            #expect(web.connectionsAccepted == 2)
            #expect(await proxy.statistics().first?.retries == 1)
        }
    }

    @Test func nonIdempotentRequestIsNotReplayed() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            #expect(try await client.get("/").body == "web")
            web.dropNextRequestOnReusedConnection()

            let response = try await client.get("/", method: .POST)
            #expect(response.status == 502)
            #expect(web.requestsReceived == 2)
            #expect(await proxy.statistics().first?.retries == 0)
        }
    }

    @Test func idleConnectionClosedByUpstreamIsNotUsedAgain() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            #expect(try await client.get("/").body == "web")
            web.closeIdleConnections()
            await web.wait { $0.openConnections.isEmpty }

            for _ in 0..<3 {
                #expect(try await client.get("/").body == "web")
            }
            #expect(web.connectionsAccepted == 2)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withProxyToWeb(backends: ["web", "api"], route: RouteConfig(host: "a", path: "/")) { proxy, client, backends async throws in
            let (web, api) = (backends[0], backends[1])
            await proxy.route("api", at: RouteConfig(path: "/api"), to: api.upstream)
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /delay/100 HTTP/1.1\r
                Host: a\r
                \r
                GET /api/x HTTP/1.1\r
                Host: c\r
                \r
                GET /missing HTTP/1.1\r
                Host: b\r
                \r
                POST /upload HTTP/1.1\r
                Host: a\r
                Content-Length: 5\r
                Connection: close\r
                \r
                hello
                """)
            // Each response: status line, headers, body; in the order the requests were sent.
            let responses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { response in
                (status: String(response.prefix(3)), body: response.components(separatedBy: "\r\n\r\n").last ?? "")
            }
            #expect(responses.map(\.status) == ["200", "200", "404", "200"])
            #expect(responses.map(\.body) == ["web", "api", "no service routes this request\n", "received 5"])
            #expect(web.uploadedBytes == 5)
        }
    }
}
