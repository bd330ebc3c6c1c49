import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `/metrics` (Prometheus text) from a real daemon and proxy: what the proxy counted for the serving
/// release, the service's health and release, deployments by outcome; a viewer's token on the TCP API.
@Suite(.serialized) struct MetricsIntegrationTests {
    /// The value of the series whose name and labels are exactly these, as Prometheus prints them.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func theProxysCountsTheServiceAndTheDeploymentsAreScraped() async throws {
        try await withV1Deployed { repository, cli, daemon in
            for _ in 0..<3 { _ = try await LoopbackHTTP.get(daemon.url + "/") }
            let status = try await cli.status()
            let release = try #require(status.services.first?.activeRelease)
            let upstream = try #require(status.services.first?.upstreams.first)
            let answer = try await DaemonSocket(repository).get("/metrics")
            #expect(answer.status == 200)
            let text = answer.body
            let labels = #"environment="default",service="web",release="\#(release.id)",upstream="\#(upstream)""#
            #expect(Self.value(text, #"slipway_proxy_responses_total{\#(labels),class="2xx"}"#) == 3, "\(text)")
            #expect(Self.value(text, #"slipway_proxy_responses_total{\#(labels),class="5xx"}"#) == 0)
            #expect(Self.value(text, #"slipway_proxy_gateway_errors_total{\#(labels),kind="connect"}"#) == 0)
            let p95 = try #require(Self.value(text, #"slipway_proxy_latency_seconds{\#(labels),quantile="0.95"}"#), "\(text)")
            #expect(p95 > 0 && p95 < 5)
            #expect(Self.value(text, #"slipway_service_health{environment="default",service="web",state="healthy"}"#) == 1)
            #expect(Self.value(text, #"slipway_service_health{environment="default",service="web",state="down"}"#) == 0)
            #expect(Self.value(text, #"slipway_service_release_info{environment="default",service="web",release="\#(release.id)",version="v1"}"#) == 1)
            #expect(Self.value(text, #"slipway_deployments_total{environment="default",service="web",outcome="succeeded"}"#) == 1)
            #expect(Self.value(text, #"slipway_environment_frozen{environment="default"}"#) == 0)
            #expect(text.contains("# TYPE slipway_proxy_responses_total counter"))
            // A failed deploy is counted by its outcome.
            try repository.release("v2", health: "fail")
            #expect(try await cli.run("deploy", "web", "--ref", "v2").status == 3)
            let after = try await DaemonSocket(repository).get("/metrics").body
            #expect(Self.value(after, #"slipway_deployments_total{environment="default",service="web",outcome="failed"}"#) == 1, "\(after)")
        }
    }

    @Test func onTheTCPAPIAViewerTokenMayScrapeAndNoTokenMayNot() async throws {
        let repository = try TestRepository(config: TestRepository.configWithAPI())
        defer { repository.remove() }
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let api = try await daemon.tcpAPI()
        let viewer = try await CLI(repository: repository).json(TokenCreated.self, "token", "create", "prometheus", "--role", "viewer")
        let tcp = TCPAPI(base: api)
        #expect(try await tcp.send(.GET, "/metrics", token: nil).status == 401)
        let scraped = try await tcp.send(.GET, "/metrics", token: viewer.value)
        #expect(scraped.status == 200)
        #expect(scraped.body.contains("slipway_environment_frozen"), "\(scraped.body)")
        #expect(!scraped.body.contains(viewer.value))
    }
}
