import Testing

/// Values of the wrong type or out of range, each at the value's own line and column.
@Suite struct ValueErrorTests {
    @Test func badDurationNamesTheValue() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            health:
              timeout: two
              interval: 0s
            drain_timeout: 30
            watch: -1s
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:7: services.web.health.timeout: expected a duration like 2s, got "two""#,
            #"slipway.yml:6:7: services.web.health.interval: expected a duration longer than 0s, got "0s""#,
            #"slipway.yml:7:5: services.web.drain_timeout: expected a duration like 2s, got 30"#,
            #"slipway.yml:8:5: services.web.watch: expected a duration like 2s, got "-1s""#,
        ])
    }

    @Test func mappingWhereAStringIsExpected() {
        let yaml = """
        services:
          web:
            run: { cmd: python3 }
            build: [make, test]
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:3:5: services.web.run: expected a command like "python3 app.py", got a mapping"#,
            #"slipway.yml:4:5: services.web.build: expected a build command, got a list"#,
        ])
    }

    @Test func stringWhereAMappingIsExpected() {
        let yaml = """
        services:
          web: python3 app.py
          api:
            run: ./api
            health: /health
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: services.web: expected a mapping of the service's settings, got "python3 app.py""#,
            #"slipway.yml:5:5: services.api.health: expected a mapping, got "/health""#,
        ])
    }

    @Test func emptyCommandIsRefused() {
        #expect(issueLines("services:\n  web:\n    run: \"  \"\n") == [
            #"slipway.yml:3:5: services.web.run: expected a command like "python3 app.py", got "  ""#,
        ])
    }

    @Test func badIntegers() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            retain: two
            health:
              healthy_threshold: 0
              unhealthy_threshold: "3"
              expect:
                status: 600
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:5: services.web.retain: expected an integer >= 1, got "two""#,
            #"slipway.yml:6:7: services.web.health.healthy_threshold: expected an integer >= 1, got 0"#,
            #"slipway.yml:7:7: services.web.health.unhealthy_threshold: expected an integer >= 1, got "3""#,
            #"slipway.yml:9:9: services.web.health.expect.status: expected an HTTP status code from 100 to 599, got 600"#,
        ])
    }

    @Test func badListenAddresses() {
        #expect(issueLines("proxy:\n  listen: 8080\n" + minimalServices) == [
            "slipway.yml:2:3: proxy.listen: expected host:port like 127.0.0.1:8080 or [::1]:8080, got 8080",
        ])
        #expect(issueLines("proxy:\n  listen: 127.0.0.1:70000\n" + minimalServices) == [
            #"slipway.yml:2:3: proxy.listen: expected a port from 0 to 65535, got "127.0.0.1:70000""#,
        ])
        #expect(issueLines("proxy:\n  listen: \"::1:8080\"\n" + minimalServices) == [
            #"slipway.yml:2:3: proxy.listen: expected host:port like 127.0.0.1:8080 or [::1]:8080, got "::1:8080""#,
        ])
    }

    @Test func badBooleans() {
        let yaml = minimalServices + """
        databases:
          hr:
            url: sqlite:hr.db
            migrations: m
            out_of_order: maybe
            backup: { verify: 1 }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:8:5: databases.hr.out_of_order: expected true or false, got "maybe""#,
            "slipway.yml:9:15: databases.hr.backup.verify: expected true or false, got 1",
        ])
    }

    @Test func badEnvironmentNamesAndValues() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            env:
              LOG-LEVEL: info
              1ST: x
              OPTIONS: { a: 1 }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:7: services.web.env.LOG-LEVEL: invalid environment variable name "LOG-LEVEL": use letters, digits and "_", not starting with a digit"#,
            #"slipway.yml:6:7: services.web.env.1ST: invalid environment variable name "1ST": use letters, digits and "_", not starting with a digit"#,
            "slipway.yml:7:7: services.web.env.OPTIONS: expected a string, number or boolean, got a mapping",
        ])
    }

    @Test func healthJSONTakesOnlyScalars() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            health:
              expect:
                json:
                  checks: [db, cache]
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:7:11: services.web.health.expect.json.checks: expected a string, number, boolean or null, got a list",
        ])
    }

    @Test func invalidServiceAndDatabaseNames() {
        let yaml = """
        services:
          Web:
            run: a
          _api:
            run: b
            route: { path: /api }
        databases:
          HR.main: { url: "sqlite:hr.db", migrations: m }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: services.Web: invalid service name "Web": use lowercase letters, digits, "-" and "_", starting with a letter or digit"#,
            #"slipway.yml:4:3: services._api: invalid service name "_api": use lowercase letters, digits, "-" and "_", starting with a letter or digit"#,
            #"slipway.yml:8:3: databases.HR.main: invalid database name "HR.main": use lowercase letters, digits, "-" and "_", starting with a letter or digit"#,
        ])
    }
}
