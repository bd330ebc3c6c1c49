import Foundation
import SlipwayConfig
import SlipwayModel
import Testing

/// `replicas`, `balance`, `sticky`, `strategy` and each strategy's block, and docker's `exclusive`.
@Suite struct DeliveryConfigTests {
    @Test func everyDeliveryKeyDecodes() throws {
        let yaml = """
        services:
          web:
            run: python3 app.py
            route: { host: web.example }
            replicas: 3
            balance: round_robin
            sticky: { cookie: slipway_web }
            strategy: canary
            recreate: { hold_requests: 5s }
            rolling: { max_surge: 2, max_unavailable: 1 }
            blue_green:
              preview: { host: Preview.Web.Example, header: "X-Slipway-Preview:  1 " }
              auto_switch: 5m
            canary:
              steps: [5, 25, 100]
              interval: 30s
              pause: manual
              max_wait: 2m
              analysis:
                min_requests: 20
                error_rate: { relative: 1, floor: 0.05 }
                latency_p95: { max_ratio: 1.5 }
                test: mann_whitney
                slo: { error_rate: 0.01, latency_p95: 300ms }
                run: ./scripts/canary-check.sh
          db:
            runtime: docker
            image: { name: postgres:16 }
            port: 5432
            exclusive: true
            strategy: recreate
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let web = try #require(config.services.first)
        let analysis = AnalysisPolicy(minRequests: 20,
                                      errorRate: AnalysisPolicy.ErrorRateRule(relative: 1, floor: 0.05),
                                      latencyP95: AnalysisPolicy.LatencyRule(maxRatio: 1.5),
                                      mannWhitney: AnalysisPolicy.MannWhitneyRule(),
                                      slo: AnalysisPolicy.SLO(errorRate: 0.01, latencyP95: .milliseconds(300)))
        #expect(web.delivery == DeliveryConfig(
            replicas: 3, balance: .roundRobin, sticky: StickyConfig(cookie: "slipway_web"), strategy: .canary,
            recreate: RecreateConfig(holdRequests: .seconds(5)),
            rolling: RollingConfig(maxSurge: 2, maxUnavailable: 1),
            blueGreen: BlueGreenConfig(preview: PreviewRoute(host: "preview.web.example",
                                                             header: HeaderMatch(name: "x-slipway-preview", value: "1")),
                                       autoSwitch: .seconds(300)),
            canary: CanaryConfig(steps: [5, 25, 100], interval: .seconds(30), pause: .manual, maxWait: .seconds(120),
                                 analysis: analysis, run: "./scripts/canary-check.sh")))
        let db = try #require(config.services.last)
        #expect(db.docker?.exclusive == true)
        #expect(db.delivery == DeliveryConfig(strategy: .recreate))
    }

    @Test func absentKeysKeepTheDefaults() throws {
        let config = try ConfigLoader.parse(yaml: minimalServices, file: "slipway.yml")
        let web = try #require(config.services.first)
        #expect(web.delivery == DeliveryConfig())
        #expect(web.delivery.strategy == .switch)
        #expect(web.delivery.replicas == 1)
        #expect(web.delivery.canary.analysis.mannWhitney == nil)
        let docker = try ConfigLoader.parse(yaml: "services:\n  api:\n    runtime: docker\n    image: { name: api }\n    port: 80\n",
                                            file: "slipway.yml")
        #expect(docker.services.first?.docker?.exclusive == false)
    }

    /// `off` and `false` read alike; a block written as settings keeps the defaults of what it leaves out.
    @Test func rulesAndSwitchesTurnOff() throws {
        let yaml = """
        services:
          web:
            run: ./web
            sticky: false
            blue_green: { preview: { header: "X-Preview: yes" }, auto_switch: false }
            canary:
              pause: 1m30s
              analysis: { error_rate: off, latency_p95: false, test: off, slo: { latency_p95: 1s } }
          api:
            run: ./api
            route: { path: /api }
            canary: { steps: [100], analysis: { error_rate: { floor: 0 }, test: none } }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let web = try #require(config.services.first)
        #expect(web.delivery.sticky == nil)
        #expect(web.delivery.blueGreen == BlueGreenConfig(preview: PreviewRoute(header: HeaderMatch(name: "X-Preview", value: "yes"))))
        #expect(web.delivery.canary.pause == .after(.seconds(90)))
        #expect(web.delivery.canary.analysis == AnalysisPolicy(errorRate: nil, latencyP95: nil,
                                                               slo: AnalysisPolicy.SLO(latencyP95: .seconds(1))))
        let api = try #require(config.services.last)
        #expect(api.delivery.canary.steps == [100])
        #expect(api.delivery.canary.analysis == AnalysisPolicy(errorRate: AnalysisPolicy.ErrorRateRule(relative: 0.5, floor: 0)))
    }

    @Test func stepsMustRiseToOneHundred() {
        let yaml = """
        services:
          flat:
            run: ./flat
            canary: { steps: [5, 50, 50, 100] }
          short:
            run: ./short
            route: { path: /short }
            canary:
              steps: [5, 50]
          out:
            run: ./out
            route: { path: /out }
            canary:
              steps:
                - 0
                - 50
                - 101
          none:
            run: ./none
            route: { path: /none }
            canary: { steps: [] }
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:30: services.flat.canary.steps[2]: steps must rise: 50 follows 50",
            "slipway.yml:9:18: services.short.canary.steps[1]: the last step must be 100 (every request to the new release), got 50",
            "slipway.yml:15:11: services.out.canary.steps[0]: expected a percentage from 1 to 100, got 0",
            "slipway.yml:17:11: services.out.canary.steps[2]: expected a percentage from 1 to 100, got 101",
            "slipway.yml:21:15: services.none.canary.steps: expected at least one step (the last 100), got an empty list",
        ])
    }

    @Test func badScalarsOfTheService() {
        let yaml = """
        services:
          web:
            run: ./web
            replicas: 0
            balance: random
            strategy: blue-green
          api:
            run: ./api
            route: { path: /api }
            replicas: 65
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.web.replicas: expected an integer from 1 to 64, got 0",
            #"slipway.yml:5:5: services.web.balance: expected least_requests or round_robin, got "random""#,
            #"slipway.yml:6:5: services.web.strategy: expected switch, recreate, rolling, blue_green or canary, got "blue-green""#,
            "slipway.yml:10:5: services.api.replicas: expected an integer from 1 to 64, got 65",
        ])
    }

    @Test func blueGreenNeedsAPreview() {
        let yaml = """
        services:
          web:
            run: ./web
            strategy: blue_green
          api:
            run: ./api
            route: { path: /api }
            blue_green: { auto_switch: 5m }
          admin:
            run: ./admin
            route: { path: /admin }
            blue_green: { preview: {}, auto_switch: true }
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.web.strategy: blue_green needs blue_green.preview: a host, a header or both",
            #"slipway.yml:8:5: services.api.blue_green: missing required key "preview""#,
            "slipway.yml:12:19: services.admin.blue_green.preview: expected host:, header: or both, got an empty mapping",
            "slipway.yml:12:32: services.admin.blue_green.auto_switch: expected false (switch on slipway rollout SERVICE promote) "
                + "or a duration like 5m, got true",
        ])
    }

    @Test func previewHeaderAndHostMustBeValid() {
        let yaml = """
        services:
          spaced:
            run: ./a
            blue_green: { preview: { header: "X Preview: 1" } }
          empty:
            run: ./b
            route: { path: /b }
            blue_green: { preview: { header: "X-Preview:  " } }
          bare:
            run: ./c
            route: { path: /c }
            blue_green: { preview: { header: X-Preview } }
          control:
            run: ./d
            route: { path: /d }
            blue_green: { preview: { header: "X-Preview: a\\u0007b" } }
          host:
            run: ./e
            route: { host: e.example }
            blue_green: { preview: { host: "https://preview.example" } }
          same:
            run: ./f
            route: { host: f.example }
            blue_green: { preview: { host: F.example } }
        """
        let header = #"expected a header like "X-Slipway-Preview: 1" (a name of letters, digits and !#$%&'*+-.^_`|~, "#
            + "a colon and a value without control characters), got "
        #expect(issueLines(yaml) == [
            "slipway.yml:4:30: services.spaced.blue_green.preview.header: " + header + #""X Preview: 1""#,
            "slipway.yml:8:30: services.empty.blue_green.preview.header: " + header + #""X-Preview:  ""#,
            "slipway.yml:12:30: services.bare.blue_green.preview.header: " + header + #""X-Preview""#,
            "slipway.yml:16:30: services.control.blue_green.preview.header: " + header + "\"X-Preview: a\u{7}b\"",
            "slipway.yml:20:30: services.host.blue_green.preview.host: expected a host name like preview.app.example.com "
                + #"(no scheme, port or path), got "https://preview.example""#,
            #"slipway.yml:24:30: services.same.blue_green.preview.host: the preview host cannot be the service's own route host "f.example": "#
                + "the preview would take production traffic",
        ])
    }

    @Test func stickyCookieMustBeAToken() {
        let long = String(repeating: "c", count: 65)
        let yaml = """
        services:
          a:
            run: ./a
            sticky: { cookie: "my cookie" }
          b:
            run: ./b
            route: { path: /b }
            sticky: { cookie: "a;b" }
          c:
            run: ./c
            route: { path: /c }
            sticky: { cookie: \(long) }
          d:
            run: ./d
            route: { path: /d }
            sticky: {}
        """
        let rule = "expected a cookie name of 1 to 64 letters, digits and !#$%&'*+-.^_`|~ (an HTTP token), got "
        #expect(issueLines(yaml) == [
            "slipway.yml:4:15: services.a.sticky.cookie: " + rule + #""my cookie""#,
            "slipway.yml:8:15: services.b.sticky.cookie: " + rule + #""a;b""#,
            "slipway.yml:12:15: services.c.sticky.cookie: " + rule + "\"\(String(long.prefix(60)))…\"",
            #"slipway.yml:16:5: services.d.sticky: missing required key "cookie""#,
        ])
    }

    @Test func exclusiveAllowsOnlyRecreate() {
        let yaml = """
        services:
          db:
            runtime: docker
            image: { name: postgres:16 }
            port: 5432
            exclusive: true
            strategy: canary
          cache:
            runtime: docker
            image: { name: redis:7 }
            port: 6379
            route: { path: /cache }
            exclusive: true
          queue:
            runtime: docker
            image: { name: rabbitmq:3 }
            port: 5672
            route: { path: /queue }
            exclusive: true
            strategy: recreate
            replicas: 2
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:7:5: services.db.strategy: an exclusive service (exclusive: true) can only be deployed with "
                + "strategy: recreate; canary runs the old and the new release at once",
            "slipway.yml:13:5: services.cache.exclusive: an exclusive service (exclusive: true) can only be deployed with "
                + "strategy: recreate; the default strategy, switch, runs the old and the new release at once",
            "slipway.yml:21:5: services.queue.replicas: an exclusive service (exclusive: true) runs one container at a time: "
                + "replicas must be 1, got 2",
        ])
    }

    @Test func exclusiveOnAProcessIsRefused() {
        let yaml = """
        services:
          web:
            run: ./web
            exclusive: true
            strategy: recreate
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.web.exclusive: exclusive applies only to runtime: docker (add runtime: docker)",
        ])
    }

    @Test func rollingBoundsFollowReplicas() {
        let yaml = """
        services:
          web:
            run: ./web
            replicas: 3
            rolling:
              max_surge: 0
              max_unavailable: 0
          api:
            run: ./api
            route: { path: /api }
            replicas: 3
            rolling: { max_surge: 4, max_unavailable: 5 }
          worker:
            run: ./worker
            route: { path: /worker }
            rolling: { max_surge: 2 }
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:5:5: services.web.rolling: max_surge and max_unavailable cannot both be 0: no instance could ever be replaced",
            "slipway.yml:12:16: services.api.rolling.max_surge: max_surge cannot be more than replicas (3), got 4",
            "slipway.yml:12:30: services.api.rolling.max_unavailable: max_unavailable cannot be more than replicas (3), got 5",
            "slipway.yml:16:16: services.worker.rolling.max_surge: max_surge cannot be more than replicas (1), got 2",
        ])
    }

    @Test func canaryTimingAndAnalysisErrors() {
        let yaml = """
        services:
          web:
            run: ./web
            canary:
              step: [5, 100]
              interval: 30s
              pause: sometimes
              max_wait: 10s
              analysis:
                min_requests: 0
                error_rate: { relative: -1, floor: 2 }
                latency_p95: { max_ratio: 0.5 }
                test: t_test
                slo: {}
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:7: services.web.canary.step: unknown key "step"; did you mean "steps"?"#,
            #"slipway.yml:7:7: services.web.canary.pause: expected a duration like 30s, or manual, got "sometimes""#,
            #"slipway.yml:8:7: services.web.canary.max_wait: max_wait cannot be shorter than interval (30s), got "10s""#,
            "slipway.yml:10:9: services.web.canary.analysis.min_requests: expected an integer >= 1, got 0",
            "slipway.yml:11:23: services.web.canary.analysis.error_rate.relative: expected a number >= 0, got -1",
            "slipway.yml:11:37: services.web.canary.analysis.error_rate.floor: expected a rate from 0 to 1, got 2",
            "slipway.yml:12:24: services.web.canary.analysis.latency_p95.max_ratio: expected a number >= 1.0, got 0.5",
            #"slipway.yml:13:9: services.web.canary.analysis.test: expected mann_whitney, or off, got "t_test""#,
            "slipway.yml:14:9: services.web.canary.analysis.slo: expected error_rate:, latency_p95: or both, got an empty mapping",
        ])
    }

    /// The model's strategy of one environment changes; the other keeps the service's own, and
    /// both keep the shared `canary:`. An overlay's mistake is reported at the overlay.
    @Test func environmentOverlayChangesTheStrategyOfOneEnvironment() throws {
        let yaml = """
        services:
          web:
            run: ./web
            strategy: canary
            canary: { steps: [10, 100] }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              web: { strategy: switch, canary: { interval: 5s } }
          production: {}

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let staging = try #require(config.service(ServiceKey(environment: "staging", service: "web")))
        let production = try #require(config.service(ServiceKey(environment: "production", service: "web")))
        #expect(staging.delivery.strategy == .switch)
        #expect(staging.delivery.canary == CanaryConfig(steps: [10, 100], interval: .seconds(5)))
        #expect(production.delivery.strategy == .canary)
        #expect(production.delivery.canary == CanaryConfig(steps: [10, 100]))

        let wrong = yaml.replacingOccurrences(of: "strategy: switch", with: "strategy: blue_green")
        #expect(issueLines(wrong) == [
            "slipway.yml:10:14: environments.staging.services.web.strategy: blue_green needs blue_green.preview: "
                + "a host, a header or both",
        ])
    }
}
