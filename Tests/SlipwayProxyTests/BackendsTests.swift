import Foundation
import SlipwayModel
@testable import SlipwayProxy
import SlipwayTestSupport
import Testing

/// Several releases and instances behind one service: weights, replicas, preview and stickiness,
/// through a real proxy to real backends.
@Suite struct BackendsTests {
    /// `release` with `backends` as its instances: their upstreams carry the release's id.
    private func release(_ id: String, _ backends: [TestBackend], weight: Int, preview: Bool = false) -> ReleaseBackends {
        ReleaseBackends(releaseID: id, upstreams: backends.map { Upstream(host: "127.0.0.1", port: $0.port, releaseID: id) },
                        weight: weight, preview: preview)
    }

    /// Sends `count` requests one after another and counts the answers by backend name.
    private func spread(_ client: ProxyClient, _ count: Int, headers: [(String, String)] = []) async throws -> [String: Int] {
        var seen: [String: Int] = [:]
        for _ in 0..<count {
            let response = try await client.get("/", headers: headers)
            #expect(response.status == 200)
            seen[response.header("x-backend") ?? "?", default: 0] += 1
        }
        return seen
    }

    @Test(.timeLimit(.minutes(1)))
    func weightsSplitRequestsInTheirProportion() async throws {
        try await withProxyToWeb(backends: ["stable", "canary"]) { proxy, client, backends async throws in
            await proxy.route(service: "web", to: Backends(releases: [
                release("v1", [backends[0]], weight: 90), release("v2", [backends[1]], weight: 10),
            ]))
            let seen = try await spread(client, 200)
            // Smooth weighted round robin is exact per event loop; a second connection (on the other
            // loop) may start its own rotation, so allow one request of slack per loop.
            #expect(abs((seen["canary"] ?? 0) - 20) <= 2, "\(seen)")
            #expect((seen["stable"] ?? 0) + (seen["canary"] ?? 0) == 200)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aReleaseWithoutWeightGetsNothingAndNoWeightAtAllIs503() async throws {
        try await withProxyToWeb(backends: ["stable", "canary"]) { proxy, client, backends async throws in
            await proxy.route(service: "web", to: Backends(releases: [
                release("v1", [backends[0]], weight: 100), release("v2", [backends[1]], weight: 0),
            ]))
            #expect(try await spread(client, 20) == ["stable": 20])
            await proxy.route(service: "web", to: Backends(releases: [release("v1", [backends[0]], weight: 0)]))
            #expect(try await client.get("/").status == 503)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func replicasShareTheirReleasesRequests() async throws {
        try await withProxyToWeb(backends: ["a", "b", "c"]) { proxy, client, backends async throws in
            for balance in Balance.allCases {
                await proxy.route(service: "web", to: Backends(releases: [release("v1", backends, weight: 100)], balance: balance))
                let seen = try await spread(client, 90)
                for name in ["a", "b", "c"] {
                    #expect(abs((seen[name] ?? 0) - 30) <= 2, "\(balance): \(seen)")
                }
            }
        }
    }

    /// With least_requests, an instance busy with a slow request is passed over while others are free.
    @Test(.timeLimit(.minutes(1)))
    func leastRequestsAvoidsTheBusyInstance() async throws {
        try await withProxyToWeb(backends: ["busy", "free"]) { proxy, client, backends async throws in
            await proxy.route(service: "web", to: Backends(releases: [release("v1", backends, weight: 100)]))
            // Hold one request on whichever instance gets it; then every other request goes to the other.
            let slow = Task { try await client.get("/hold") }
            #expect(await eventually { backends[0].requestsReceived + backends[1].requestsReceived == 1 })
            let holder = backends[0].requestsReceived == 1 ? "busy" : "free"
            let other = holder == "busy" ? "free" : "busy"
            #expect(try await spread(client, 10) == [other: 10])
            for backend in backends { backend.releaseHeld() }
            _ = try await slow.value
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func thePreviewIsReachedByItsHeaderAndItsHostOnly() async throws {
        try await withProxyToWeb(backends: ["blue", "green"], route: RouteConfig(host: "web.example", path: "/")) { proxy, client, backends async throws in
            let preview = PreviewRoute(host: "preview.web.example", header: HeaderMatch(name: "X-Slipway-Preview", value: "1"))
            await proxy.route(service: "web", to: Backends(releases: [
                release("v1", [backends[0]], weight: 100), release("v2", [backends[1]], weight: 0, preview: true),
            ], preview: preview))
            #expect(try await client.get("/", host: "web.example").header("x-backend") == "blue")
            #expect(try await client.get("/", host: "web.example", headers: [("x-slipway-preview", "1")]).header("x-backend") == "green")
            #expect(try await client.get("/", host: "web.example", headers: [("X-Slipway-Preview", "2")]).header("x-backend") == "blue")
            #expect(try await client.get("/", host: "Preview.Web.Example:8080").header("x-backend") == "green")
            // Promoted: production moves, and the preview route is gone with the preview.
            await proxy.route(service: "web", to: Backends(releases: [release("v2", [backends[1]], weight: 100)], preview: preview))
            #expect(try await client.get("/", host: "web.example").header("x-backend") == "green")
            #expect(try await client.get("/", host: "preview.web.example").status == 404)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aStickyClientStaysOnItsReleaseWhileItTakesTraffic() async throws {
        try await withProxyToWeb(backends: ["stable", "canary"]) { proxy, client, backends async throws in
            let sticky = StickyConfig(cookie: "slipway_web")
            let split = Backends(releases: [release("v1", [backends[0]], weight: 50), release("v2", [backends[1]], weight: 50)],
                                 sticky: sticky)
            await proxy.route(service: "web", to: split)
            let first = try await client.get("/")
            let cookie = try #require(first.header("set-cookie"))
            #expect(cookie.hasPrefix("slipway_web=v"))
            #expect(cookie.contains("HttpOnly"))
            let pair = String(cookie.split(separator: ";")[0])
            let release = pair.hasSuffix("v1") ? "stable" : "canary"
            #expect(first.header("x-backend") == release)
            // With its cookie (among others), the client stays; no new cookie is set.
            for _ in 0..<20 {
                let next = try await client.get("/", headers: [("cookie", "theme=dark; \(pair)")])
                #expect(next.header("x-backend") == release)
                #expect(next.header("set-cookie") == nil)
            }
            // Its release loses its share: the cookie no longer holds, and the client gets the other's.
            let remaining = pair.hasSuffix("v1") ? self.release("v2", [backends[1]], weight: 100)
                                                 : self.release("v1", [backends[0]], weight: 100)
            await proxy.route(service: "web", to: Backends(releases: [remaining], sticky: sticky))
            let moved = try await client.get("/", headers: [("cookie", pair)])
            #expect(moved.header("x-backend") != release)
            #expect(moved.header("set-cookie")?.hasPrefix("slipway_web=\(remaining.releaseID)") == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func releaseStatisticsCountEachReleasesRequestsErrorsAndFailures() async throws {
        try await withProxyToWeb(backends: ["stable", "canary"]) { proxy, client, backends async throws in
            backends[1].setResponse(path: "/flaky", status: 500, body: "no")
            await proxy.route(service: "web", to: Backends(releases: [
                release("v1", [backends[0]], weight: 1), release("v2", [backends[1]], weight: 1),
            ]))
            let before = await proxy.releaseStatistics(of: "web")
            for _ in 0..<40 { _ = try await client.get("/flaky") }
            let after = await proxy.releaseStatistics(of: "web")
            let stable = after["v1", default: WindowStats()].since(before["v1", default: WindowStats()])
            let canary = after["v2", default: WindowStats()].since(before["v2", default: WindowStats()])
            #expect(stable.requests + canary.requests == 40)
            #expect(abs(canary.requests - 20) <= 2)
            #expect(stable.serverErrors == 0)
            #expect(canary.serverErrors == canary.requests)
            #expect(canary.latency.count == canary.requests)
            // An instance that is gone: each request it was sent is an upstream failure of its release.
            await backends[1].stop()
            for _ in 0..<20 { _ = try await client.get("/") }
            let failed = await proxy.releaseStatistics(of: "web")["v2", default: WindowStats()].since(after["v2", default: WindowStats()])
            #expect(failed.upstreamFailures > 0)
            #expect(failed.upstreamFailures == failed.requests)
        }
    }

    /// A route table written before backends existed (one `upstream` per service) still reads, and
    /// a table written now carries the primary upstream for an older reader.
    @Test func routeTablesOfBothShapesRead() throws {
        let old = #"{"service":{"environment":"default","service":"web"},"path":"/","upstream":{"host":"127.0.0.1","port":4100,"releaseID":"r1"}}"#
        let route = try JSONDecoder().decode(ProxyRoute.self, from: Data(old.utf8))
        #expect(route.backends == .single(Upstream(host: "127.0.0.1", port: 4100, releaseID: "r1")))
        let split = ProxyRoute(service: ServiceKey(service: "web"), route: RouteConfig(path: "/"), backends: Backends(releases: [
            ReleaseBackends(releaseID: "r1", upstreams: [Upstream(host: "127.0.0.1", port: 4100, releaseID: "r1")], weight: 95),
            ReleaseBackends(releaseID: "r2", upstreams: [Upstream(host: "127.0.0.1", port: 4200, releaseID: "r2")], weight: 5),
        ], sticky: StickyConfig(cookie: "s")))
        let encoded = try JSONEncoder().encode(split)
        #expect(try JSONDecoder().decode(ProxyRoute.self, from: encoded) == split)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect((object["upstream"] as? [String: Any])?["port"] as? Int == 4100)
    }
}
