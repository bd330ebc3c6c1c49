import Foundation
import Logging
import SlipwayModel
@testable import SlipwayProxy
import Testing

/// `slipway proxy pause|resume|maintenance|live` in the proxy itself: real sockets, real backends.
@Suite struct TrafficControlTests {
    @Test(.timeLimit(.minutes(1)))
    func pausedRequestWaitsAndResumeSendsItToTheUpstream() async throws {
        try await withProxyToWeb { proxy, client, web in
            _ = await proxy.changeControl(.pause, hold: .seconds(10), message: nil, of: ServiceKey(service: "web"))
            let started = ContinuousClock.now
            async let answer = client.get("/")
            try await waitUntil { await proxy.heldRequestCount() == 1 }
            // The event is time itself: nothing may reach the upstream while the request is held.
            try await Task.sleep(for: .milliseconds(300))
            #expect(web.requestsReceived == 0)
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            let response = try await answer
            #expect(response.status == 200)
            #expect(response.body == "web")
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(await proxy.heldRequestCount() == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requestHeldPastItsHoldIsAnswered503WithRetryAfter() async throws {
        try await withProxyToWeb { proxy, client, web in
            _ = await proxy.changeControl(.pause, hold: .milliseconds(400), message: nil, of: ServiceKey(service: "web"))
            let started = ContinuousClock.now
            let response = try await client.get("/")
            let waited = ContinuousClock.now - started
            #expect(response.status == 503)
            #expect(response.header("retry-after") == "1")
            #expect(response.body.contains("paused"))
            #expect(waited >= .milliseconds(400))
            #expect(waited < .seconds(3))
            #expect(web.requestsReceived == 0)
            #expect(await proxy.heldRequestCount() == 0)
            // The connection carries the next request once resumed.
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            #expect(try await client.get("/").status == 200)
        }
    }

    /// The idle sweep leaves a held connection alone: its hold, longer than the idle timeout here,
    /// is its only clock.
    @Test(.timeLimit(.minutes(1)))
    func aHoldLongerThanTheIdleTimeoutIsNotCutShortBySweep() async throws {
        try await withProxyToWeb(clientIdleTimeout: .milliseconds(200)) { proxy, client, _ in
            _ = await proxy.changeControl(.pause, hold: .seconds(1), message: nil, of: ServiceKey(service: "web"))
            let started = ContinuousClock.now
            async let answer = client.get("/")
            try await waitUntil { await proxy.heldRequestCount() == 1 }
            // The event is time itself: three idle timeouts pass while the request is held.
            try await Task.sleep(for: .milliseconds(700))
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            let response = try await answer
            #expect(response.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(700))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func heldRequestWithBodyGoesWholeToTheUpstreamOfTheResume() async throws {
        try await withProxyToWeb(backends: ["blue", "green"]) { proxy, client, backends in
            _ = await proxy.changeControl(.pause, hold: .seconds(10), message: nil, of: ServiceKey(service: "web"))
            let connection = try await RawConnection.open(port: client.port)
            try await connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            try await waitUntil { await proxy.heldRequestCount() == 1 }
            // A deploy switches while paused: the held request goes to the new upstream.
            await proxy.switchTraffic(service: "web", to: backends[1].upstream)
            #expect(await proxy.heldRequestCount() == 1)
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            try await connection.waitUntilReceived("received 5")
            #expect(backends[0].requestsReceived == 0)
            #expect(backends[1].requestsReceived == 1)
            try await connection.close()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func pipelinedRequestsBehindAHeldOneAreAnsweredInOrderAfterTheResume() async throws {
        try await withProxyToWeb { proxy, client, web in
            _ = await proxy.changeControl(.pause, hold: .seconds(10), message: nil, of: ServiceKey(service: "web"))
            let connection = try await RawConnection.open(port: client.port)
            try await connection.send("GET /repeat/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                      + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                                      + "GET /repeat/2 HTTP/1.1\r\nHost: x\r\n\r\n")
            try await waitUntil { await proxy.heldRequestCount() == 1 }
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            try await connection.waitUntilReceived("\r\n\r\nwebweb")
            let text = connection.receivedText
            let first = try #require(text.range(of: "\r\n\r\nweb"))
            let second = try #require(text.range(of: "received 3"))
            let third = try #require(text.range(of: "\r\n\r\nwebweb"))
            #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound)
            #expect(web.requestsReceived == 3)
            try await connection.close()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func heldClientThatDisconnectsLeavesNothingBehind() async throws {
        try await withProxyToWeb { proxy, client, web in
            _ = await proxy.changeControl(.pause, hold: .seconds(30), message: nil, of: ServiceKey(service: "web"))
            let connections = try await (0..<3).asyncMap { _ in try await RawConnection.open(port: client.port) }
            for connection in connections { try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
            try await waitUntil { await proxy.heldRequestCount() == 3 }
            for connection in connections.prefix(2) { try await connection.close() }
            try await waitUntil { await proxy.heldRequestCount() == 1 }
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
            try await connections[2].waitUntilReceived("\r\n\r\nweb")
            #expect(web.requestsReceived == 1)
            #expect(await proxy.heldRequestCount() == 0)
            try await connections[2].close()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func maintenanceAnswersItsEscapedPageToBrowsersAndTextToOthers() async throws {
        try await withProxyToWeb { proxy, client, web in
            let message = "Back at <b>14:00</b> & \"soon\""
            _ = await proxy.changeControl(.maintenance, hold: nil, message: message, of: ServiceKey(service: "web"))
            let page = try await client.get("/", headers: [("accept", "text/html,application/xhtml+xml,*/*;q=0.8")])
            #expect(page.status == 503)
            #expect(page.header("retry-after") != nil)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.body.contains("Back at &lt;b&gt;14:00&lt;/b&gt; &amp; &quot;soon&quot;"))
            #expect(!page.body.contains("<b>"))
            let text = try await client.get("/", headers: [("accept", "*/*")])
            #expect(text.status == 503)
            #expect(text.header("content-type")?.hasPrefix("text/plain") == true)
            #expect(text.body == message + "\n")
            #expect(web.requestsReceived == 0)

            // Over a pause too: maintenance answers at once.
            _ = await proxy.changeControl(.pause, hold: .seconds(30), message: nil, of: ServiceKey(service: "web"))
            #expect(try await client.get("/").status == 503)
            _ = await proxy.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))

            _ = await proxy.changeControl(.live, hold: nil, message: nil, of: ServiceKey(service: "web"))
            let served = try await client.get("/")
            #expect(served.status == 200)
            #expect(served.body == "web")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func pauseAndMaintenanceSurviveAHandOffOfTheRouteTable() async throws {
        try await withProxyToWeb(backends: ["web", "api"]) { first, _, backends in
            await first.route("api", at: RouteConfig(host: "api.test", path: "/"), to: backends[1].upstream)
            _ = await first.changeControl(.pause, hold: .milliseconds(1500), message: nil, of: ServiceKey(service: "web"))
            _ = await first.changeControl(.maintenance, hold: nil, message: "upgrading", of: ServiceKey(service: "api"))
            let table = await first.routeSnapshot()
            // As proxy.json and the hand-off carry it.
            let decoded = try JSONDecoder().decode([ProxyRoute].self, from: JSONEncoder().encode(table))
            #expect(decoded == table)
            try await withProxy { second, client in
                await second.restore(decoded)
                #expect(await second.control(of: ServiceKey(service: "web")).pausedHoldMilliseconds == 1500)
                #expect(await second.control(of: ServiceKey(service: "api")).maintenance == "upgrading")
                let api = try await client.get("/", host: "api.test")
                #expect(api.status == 503)
                #expect(api.body == "upgrading\n")
                async let answer = client.get("/")
                try await waitUntil { await second.heldRequestCount() == 1 }
                _ = await second.changeControl(.resume, hold: nil, message: nil, of: ServiceKey(service: "web"))
                #expect(try await answer.status == 200)
            }
        }
    }

    @Test func routeTableOfAnOlderProxyReadsAsNeitherPausedNorInMaintenance() throws {
        let json = #"[{"service":{"environment":"default","service":"web"},"path":"/"}]"#
        let routes = try JSONDecoder().decode([ProxyRoute].self, from: Data(json.utf8))
        #expect(routes.first?.control == nil)
    }
}

/// Polls `condition` every 5 ms (what the proxy reports about itself, not a sleep for a guess).
func waitUntil(_ condition: () async throws -> Bool) async throws {
    while try await !condition() {
        try await Task.sleep(for: .milliseconds(5))
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
