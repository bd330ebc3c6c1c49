import SlipwayConfig
import SlipwayModel
import Testing

/// A `slipway.yml` may hold only `databases:`: Slipway as a Flyway replacement (issue 13).
@Suite struct DatabasesOnlyTests {
    @Test func fileWithOnlyDatabasesIsValid() throws {
        let config = try ConfigLoader.parse(yaml: """
            databases:
              hr:
                url: sqlite:data/hr.db
                migrations: migrations
            """, file: "slipway.yml")
        #expect(config.services.isEmpty)
        #expect(config.databases.map(\.name) == ["hr"])
    }

    @Test func emptyServicesBesideDatabasesIsValid() throws {
        let config = try ConfigLoader.parse(yaml: """
            services: {}
            databases:
              hr: { url: "sqlite:hr.db", migrations: m }
            """, file: "slipway.yml")
        #expect(config.services.isEmpty)
        #expect(config.databases.count == 1)
    }

    @Test func emptySectionsAreRefusedWhenNothingElseIsThere() {
        #expect(issueLines("services: {}\n") == ["slipway.yml:1:1: services: expected at least one service"])
        #expect(issueLines("databases: {}\n") == ["slipway.yml:1:1: databases: expected at least one database"])
        #expect(issueLines("services: {}\ndatabases: {}\n") == ["slipway.yml:1:1: services: expected at least one service"])
    }
}
