import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct KeepAliveTests {
    @Test func upstreamConnectionsAreReused() async throws {
        let web = try await TestBackend.start(name: "web")
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            await proxy.switchTraffic(service: "web", to: web.upstream)
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
            #expect(stats.services == ["web"])
        }
        await web.stop()
    }

    @Test func requestRacingAnUpstreamCloseIsRetriedOnAFreshConnection() async throws {
        let web = try await TestBackend.start(name: "web")
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            await proxy.switchTraffic(service: "web", to: web.upstream)
            #expect(try await client.get("/").body == "web")
            web.dropNextRequestOnReusedConnection()

            let response = try await client.get("/")
            #expect(response.status == 200)
            #expect(response.body == "web")
            #expect(web.connectionsAccepted == 2)
            #expect(await proxy.statistics().first?.retries == 1)
        }
        await web.stop()
    }

    @Test func nonIdempotentRequestIsNotReplayed() async throws {
        let web = try await TestBackend.start(name: "web")
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            await proxy.switchTraffic(service: "web", to: web.upstream)
            #expect(try await client.get("/").body == "web")
            web.dropNextRequestOnReusedConnection()

            let response = try await client.get("/", method: .POST)
            #expect(response.status == 502)
            #expect(web.requestsReceived == 2)
            #expect(await proxy.statistics().first?.retries == 0)
        }
        await web.stop()
    }

    @Test func idleConnectionClosedByUpstreamIsNotUsedAgain() async throws {
        let web = try await TestBackend.start(name: "web")
        try await withProxy { proxy, client async throws in
            await proxy.configure(service: "web", route: RouteConfig(path: "/"))
            await proxy.switchTraffic(service: "web", to: web.upstream)
            #expect(try await client.get("/").body == "web")
            web.closeIdleConnections()
            await web.wait { $0.openConnections.isEmpty }

            for _ in 0..<3 {
                #expect(try await client.get("/").body == "web")
            }
            #expect(web.connectionsAccepted == 2)
        }
        await web.stop()
    }
}
