import SlipwayCore
import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct HTTPHealthProbeTests {
    private func check(_ path: String = "/health", timeout: Duration = .seconds(2), expect: HealthExpectation = HealthExpectation()) -> HealthCheckConfig {
        HealthCheckConfig(path: path, timeout: timeout, expect: expect)
    }

    @Test func expectedStatusIsHealthy() async throws {
        let web = try await TestBackend.start(name: "web")
        web.setResponse(path: "/health", status: 200, body: "ok")
        let probe = HTTPHealthProbe()
        let result = await probe.probe(web.upstream, check: check())
        #expect(result == ProbeResult(healthy: true, status: 200, body: "ok"))
        await probe.shutdown()
        await web.stop()
    }

    @Test func unexpectedStatusIsUnhealthyWithTheBodyExcerpt() async throws {
        let web = try await TestBackend.start(name: "web")
        web.setResponse(path: "/health", status: 503, body: "database unavailable")
        let probe = HTTPHealthProbe()
        let result = await probe.probe(web.upstream, check: check())
        #expect(result == ProbeResult(healthy: false, status: 503, body: "database unavailable", reason: "expected status 200, got 503"))
        await probe.shutdown()
        await web.stop()
    }

    @Test func redirectIsNotFollowed() async throws {
        let web = try await TestBackend.start(name: "web")
        web.setResponse(path: "/health", status: 301, body: "")
        let probe = HTTPHealthProbe()
        let result = await probe.probe(web.upstream, check: check())
        #expect(result.reason == "expected status 200, got 301")
        await probe.shutdown()
        await web.stop()
    }

    @Test func jsonFieldsAreCompared() async throws {
        let web = try await TestBackend.start(name: "web")
        web.setResponse(path: "/ready", status: 200, body: #"{"status":"healthy","version":"v2","workers":4}"#)
        web.setResponse(path: "/starting", status: 200, body: #"{"status":"starting"}"#)
        let probe = HTTPHealthProbe()
        let expect = HealthExpectation(json: ["status": .string("healthy")])

        let healthy = await probe.probe(web.upstream, check: check("/ready", expect: expect))
        #expect(healthy.healthy)
        #expect(healthy.status == 200)

        let starting = await probe.probe(web.upstream, check: check("/starting", expect: expect))
        #expect(!starting.healthy)
        #expect(starting.reason == #"json field status: expected "healthy", got "starting""#)
        #expect(starting.body == #"{"status":"starting"}"#)
        await probe.shutdown()
        await web.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func silentUpstreamTimesOut() async throws {
        let web = try await TestBackend.start(name: "web")
        let probe = HTTPHealthProbe()
        let result = await probe.probe(web.upstream, check: check("/hold", timeout: .milliseconds(300)))
        #expect(result == ProbeResult(healthy: false, reason: "timed out after 300ms"))
        web.releaseHeld()
        await probe.shutdown()
        await web.stop()
    }

    @Test func closedPortIsConnectionRefused() async throws {
        let port = try await closedPort()
        let probe = HTTPHealthProbe()
        let result = await probe.probe(Upstream(host: "127.0.0.1", port: port, releaseID: "r"), check: check())
        #expect(result == ProbeResult(healthy: false, reason: "connection refused"))
        await probe.shutdown()
    }
}
