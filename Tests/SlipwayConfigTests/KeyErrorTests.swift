import Testing

/// Unknown, repeated and missing keys, each pointing where the user must look.
@Suite struct KeyErrorTests {
    @Test func unknownKeySuggestsTheClosestKnownOne() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            health:
              timout: 2s
            buildTimeout: 5m
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:7: services.web.health.timout: unknown key "timout"; did you mean "timeout"?"#,
            #"slipway.yml:6:5: services.web.buildTimeout: unknown key "buildTimeout"; did you mean "build_timeout"?"#,
        ])
    }

    @Test func unknownKeyFarFromAnyListsTheKnownOnes() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            route:
              prefix: /api
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:7: services.web.route.prefix: unknown key "prefix"; expected one of: path, host"#,
        ])
    }

    @Test func unknownTopLevelKey() {
        #expect(issueLines(minimalServices + "databse: {}\nservers: 2\n") == [
            #"slipway.yml:4:1: databse: unknown key "databse"; did you mean "databases"?"#,
            #"slipway.yml:5:1: servers: unknown key "servers"; expected one of: proxy, api, github, services, environments, databases, notify"#,
        ])
    }

    @Test func missingRequiredKeyPointsAtTheKeyOfItsMapping() {
        let yaml = """
        services:
          web:
            build: make
        databases:
          hr:
            url: sqlite:hr.db
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: services.web: missing required key "run""#,
            #"slipway.yml:5:3: databases.hr: missing required key "migrations""#,
        ])
    }

    @Test func missingServicesAndDatabasesAreReportedAtTheTop() {
        #expect(issueLines("proxy:\n  listen: 127.0.0.1:8080\n") == [
            #"slipway.yml:1:1: missing required key "services" or "databases""#,
        ])
    }

    @Test func serviceWrittenWithNothingIsMissingItsCommand() {
        #expect(issueLines("services:\n  web:\n") == [
            #"slipway.yml:2:3: services.web: missing required key "run""#,
        ])
    }

    @Test func repeatedKeysAreEachReportedAtTheRepetition() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            env: { A: 1, A: 2 }
            run: ./other
          web:
            run: again
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:18: services.web.env.A: duplicate key "A" (first at line 4)"#,
            #"slipway.yml:5:5: services.web.run: duplicate key "run" (first at line 3)"#,
            #"slipway.yml:6:3: services.web: duplicate key "web" (first at line 2)"#,
        ])
    }

    @Test func repeatedQuotedKeyIsFound() {
        let yaml = """
        services:
          web:
            "run": a
            'run': b
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:5: services.web.run: duplicate key "run" (first at line 3)"#,
        ])
    }
}
