import SlipwayConfig
import SlipwayModel
import Testing

/// Anchors and merge keys let services share settings; what a service writes itself wins.
@Suite struct MergeKeyTests {
    @Test func mergedSettingsApplyUnlessWrittenHere() throws {
        let yaml = """
        services:
          web:
            run: ./web
            health: &health
              path: /status
              timeout: 5s
            env: &env { LOG_LEVEL: info, REGION: eu }
          api:
            run: ./api
            route: { path: /api }
            health:
              <<: *health
              timeout: 1s
            env:
              <<: [*env, { REGION: us, EXTRA: "1" }]
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let api = try #require(config.service(named: "api"))
        #expect(api.health.path == "/status")
        #expect(api.health.timeout == .seconds(1))
        #expect(api.env == ["LOG_LEVEL": "info", "REGION": "eu", "EXTRA": "1"])
        #expect(config.service(named: "web")?.health.timeout == .seconds(5))
    }

    @Test func mergedUnknownKeyPointsAtTheAnchoredText() {
        let yaml = """
        services:
          web:
            run: ./web
            health: &health { path: /status, timout: 5s }
          api:
            run: ./api
            route: { path: /api }
            health: { <<: *health }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:38: services.web.health.timout: unknown key "timout"; did you mean "timeout"?"#,
            #"slipway.yml:4:38: services.api.health.timout: unknown key "timout"; did you mean "timeout"?"#,
        ])
    }

    @Test func mergingAScalarIsRefused() {
        let yaml = """
        services:
          web:
            <<: ./web
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: services.web: missing required key "run""#,
            #"slipway.yml:3:9: services.web.<<: expected a mapping or a list of mappings to merge, got "./web""#,
        ])
    }
}
