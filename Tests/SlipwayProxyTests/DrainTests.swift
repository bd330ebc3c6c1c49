import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct DrainTests {
    @Test func drainWaitsForASlowInFlightRequest() async throws {
        try await withProxyToWeb(backends: ["old", "new"]) { proxy, client, backends async throws in
            let (old, new) = (backends[0], backends[1])
            let slow = Task { try await client.get("/delay/500") }
            await old.waitForRequests(1)

            await proxy.switchTraffic(service: "web", to: new.upstream)
            #expect(try await client.get("/").body == "new")
            let remaining = await proxy.drain(old.upstream, timeout: .seconds(10))
            #expect(remaining == 0)
            #expect(old.responsesCompleted == 1)

            let response = try await slow.value
            #expect(response.status == 200)
            #expect(response.body == "old")
            // Drained and unrouted: its pooled connections are closed and its statistics gone.
            await old.wait { $0.openConnections.isEmpty }
            #expect(await proxy.statistics().map(\.upstream) == [new.upstream])
        }
    }

    @Test func drainTimesOutCountingWhatIsStillInFlight() async throws {
        try await withProxyToWeb(backends: ["old", "new"]) { proxy, client, backends async throws in
            let (old, new) = (backends[0], backends[1])
            let held = Task { try await client.get("/hold") }
            await old.waitForRequests(1)

            await proxy.switchTraffic(service: "web", to: new.upstream)
            let remaining = await proxy.drain(old.upstream, timeout: .milliseconds(200))
            #expect(remaining == 1)
            #expect(old.responsesCompleted == 0)

            old.releaseHeld()
            let response = try await held.value
            #expect(response.body == "old")
        }
    }

    @Test func drainOfAnIdleUpstreamReturnsAtOnceAndClosesItsConnections() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            #expect(try await client.get("/").body == "web")
            #expect(web.openConnections == 1)

            #expect(await proxy.drain(web.upstream, timeout: .seconds(5)) == 0)
            await web.wait { $0.openConnections.isEmpty }
            // Still routed: it keeps serving on new connections.
            #expect(try await client.get("/").body == "web")
        }
    }
}
