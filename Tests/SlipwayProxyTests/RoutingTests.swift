import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct RoutingTests {
    @Test func routesByHostAndLongestPrefix() async throws {
        try await withProxyToWeb(backends: ["web", "api", "admin"]) { proxy, client, backends async throws in
            let (api, admin) = (backends[1], backends[2])
            await proxy.route("api", at: RouteConfig(path: "/api"), to: api.upstream)
            await proxy.route("admin", at: RouteConfig(host: "admin.test", path: "/"), to: admin.upstream)

            #expect(try await client.get("/").body == "web")
            #expect(try await client.get("/apix").body == "web")
            #expect(try await client.get("/api").body == "api")
            #expect(try await client.get("/api/users?page=2").body == "api")
            #expect(try await client.get("/api/x", host: "ADMIN.test:8080").body == "admin")
            #expect(try await client.get("/", host: "other.test").body == "web")
        }
    }

    @Test func unroutedRequestGets404() async throws {
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "api", route: RouteConfig(path: "/api"))
            let response = try await client.get("/elsewhere")
            #expect(response.status == 404)
            #expect(response.body == "no service routes this request\n")
            #expect(response.header("content-type") == "text/plain; charset=utf-8")
            // The connection stays usable after a local answer.
            #expect(try await client.get("/elsewhere").status == 404)
        }
    }

    @Test func serviceWithoutUpstreamGets503() async throws {
        let web = try await TestBackend.start(name: "web")
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            var response = try await client.get("/")
            #expect(response.status == 503)
            #expect(response.body == "service web has no healthy release\n")

            await proxy.switchTraffic(service: "web", to: web.upstream)
            #expect(try await client.get("/").body == "web")

            let previous = await proxy.switchTraffic(service: "web", to: nil)
            #expect(previous == web.upstream)
            response = try await client.get("/")
            #expect(response.status == 503)
        }
        await web.stop()
    }

    @Test func refusedUpstreamGets502NamingTheService() async throws {
        let port = try await closedPort()
        try await withProxy { proxy, client async throws in
            await proxy.route("web", to: Upstream(host: "127.0.0.1", port: port, releaseID: "r1"))
            let response = try await client.get("/")
            #expect(response.status == 502)
            #expect(response.body == "service web is unreachable at 127.0.0.1:\(port): connection refused\n")
            let stats = await proxy.statistics()
            #expect(stats.first?.connectFailures == 1)
        }
    }

    @Test func upstreamClosingWithoutAnswerGets502() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let response = try await client.get("/drop")
            #expect(response.status == 502)
            #expect(response.body.hasPrefix("service web is unreachable at \(web.upstream):"))
            #expect(try await client.get("/").body == "web")
        }
    }

    @Test func silentUpstreamGets504AfterTheUpstreamTimeout() async throws {
        try await withProxyToWeb(upstreamTimeout: .milliseconds(300)) { proxy, client, web in
            // An answered request first, so the connection's timer re-arms for the silent one.
            #expect(try await client.get("/").status == 200)
            let response = try await client.get("/hold")
            #expect(response.status == 504)
            #expect(response.body == "service web at \(web.upstream) did not answer within 300ms\n")
            #expect(await proxy.statistics().first?.timeouts == 1)
            web.releaseHeld()
        }
    }

    @Test func upgradeRequestGets501() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /chat HTTP/1.1\r
                Host: web.test\r
                Connection: Upgrade, close\r
                Upgrade: websocket\r
                Sec-WebSocket-Version: 13\r
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                \r

                """)
            #expect(text.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"))
            #expect(text.hasSuffix("protocol upgrades (WebSocket) are not supported by the slipway proxy\n"))
            #expect(web.requestsReceived == 0)
        }
    }

    @Test func h2cUpgradeOfferIsIgnored() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /headers HTTP/1.1\r
                Host: web.test\r
                Connection: Upgrade, HTTP2-Settings, close\r
                Upgrade: h2c\r
                HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r
                \r

                """)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(!text.contains("upgrade:"))
            #expect(!text.contains("http2-settings:"))
        }
    }

    /// A client that sent `Expect: 100-continue` and got a final answer may never send its body:
    /// the proxy closes instead of waiting to discard it.
    @Test(.timeLimit(.minutes(1)))
    func earlyAnswerToExpectContinueClosesTheConnection() async throws {
        try await withProxy { proxy, client async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                POST /nowhere HTTP/1.1\r
                Host: a\r
                Content-Length: 1000\r
                Expect: 100-continue\r
                \r

                """)
            #expect(text.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
            #expect(text.lowercased().contains("connection: close\r\n"))
        }
    }

    /// Without `Expect`, the rest of a refused request's body is read and dropped, and the
    /// connection serves the next request.
    @Test func bodyOfARefusedRequestIsDiscardedAndTheConnectionKept() async throws {
        try await withProxy { proxy, client async throws in
            let body = String(repeating: "b", count: 100_000)
            let text = try await RawHTTP.exchange(port: client.port, """
                POST /nowhere HTTP/1.1\r
                Host: a\r
                Content-Length: \(body.utf8.count)\r
                \r
                \(body)GET /again HTTP/1.1\r
                Host: a\r
                Connection: close\r
                \r

                """)
            #expect(text.components(separatedBy: "HTTP/1.1 404 Not Found\r\n").count == 3)
        }
    }
}
