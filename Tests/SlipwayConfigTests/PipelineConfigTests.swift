import SlipwayConfig
import SlipwayModel
import Testing

@Suite struct PipelineConfigTests {
    @Test func pipelineKeysDecode() throws {
        let yaml = """
        services:
          gateway:
            run: ./gateway
            paths: ["services/gateway/**"]
            route: { path: /gw }
          hr:
            run: ./hr
            paths: ["services/hr/**", "libs/common/**"]
            depends_on: [gateway]
            database: hr
            checks:
              - name: unit tests
                run: swift test
                timeout: 10m
              - name: coverage
                coverage: { report: coverage.lcov, min: 80 }
            smoke:
              - http: { path: /api/employees, expect: { status: 200 } }
              - run: ./scripts/smoke.sh
                timeout: 30s
        databases:
          hr:
            url: sqlite:hr.db
            migrations: services/hr/migrations
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let hr = try #require(config.service(named: "hr"))
        #expect(hr.paths == ["services/hr/**", "libs/common/**"])
        #expect(hr.dependsOn == ["gateway"])
        #expect(hr.database == "hr")
        #expect(hr.checks == [
            CheckConfig(name: "unit tests", kind: .command("swift test"), timeout: .seconds(600)),
            CheckConfig(name: "coverage", kind: .coverage(report: "coverage.lcov", minimum: 80)),
        ])
        #expect(hr.smoke == [
            SmokeTestConfig(kind: .http(path: "/api/employees", expect: HealthExpectation(status: 200))),
            SmokeTestConfig(kind: .command("./scripts/smoke.sh"), timeout: .seconds(30)),
        ])
    }

    @Test func danglingReferencesAndBadEntriesAreLocated() {
        let yaml = """
        services:
          web:
            run: ./web
            depends_on: [api]
            database: hr
            checks:
              - name: both
                run: make test
                coverage: { report: c.xml, min: 80 }
              - coverage: { report: c.xml, min: 180 }
            smoke:
              - {}
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:18: services.web.depends_on[0]: no service named "api" (services: web)"#,
            #"slipway.yml:5:5: services.web.database: database "hr" is not declared: add it under databases:"#,
            #"slipway.yml:7:9: services.web.checks[0]: a check has either run: or coverage:, not both"#,
            #"slipway.yml:10:36: services.web.checks[1].coverage.min: expected a percentage from 0 to 100, got 180"#,
            #"slipway.yml:12:9: services.web.smoke[0]: a smoke test needs http: (a request) or run: (a command)"#,
        ])
    }

    @Test func dependencyCycleIsRefused() {
        let yaml = """
        services:
          a:
            run: ./a
            route: { path: /a }
            depends_on: [b]
          b:
            run: ./b
            route: { path: /b }
            depends_on: [a]
        """
        #expect(issueLines(yaml).contains { $0.contains("depends_on forms a cycle") })
    }
}
