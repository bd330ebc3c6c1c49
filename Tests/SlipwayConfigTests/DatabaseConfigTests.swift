import SlipwayConfig
import SlipwayModel
import Testing

/// `databases:` urls: `${VAR}` expansion, the schemes we support, and never a secret in a message.
@Suite struct DatabaseConfigTests {
    @Test func variablesExpandFromTheEnvironment() throws {
        let yaml = minimalServices + """
        databases:
          hr:
            url: postgres://${DB_USER}:${DB_PASSWORD}@localhost:5432/hr
            migrations: services/hr/migrations
          cache:
            url: sqlite:$${literal}/cache.db
            migrations: m
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml",
                                            environment: ["DB_USER": "hr", "DB_PASSWORD": "p@ss$word"])
        #expect(config.databases.map(\.url) == ["postgres://hr:p@ss$word@localhost:5432/hr", "sqlite:${literal}/cache.db"])
        #expect(config.databases.map(\.kind) == [.postgres, .sqlite])
    }

    @Test func undefinedVariableIsNamed() {
        let yaml = minimalServices + """
        databases:
          hr:
            url: ${HR_DATABASE_URL}
            migrations: m
          crm:
            url: postgres://${CRM_USER}:${CRM_PASSWORD}@db/crm
            migrations: m
        """
        #expect(issueLines(yaml, environment: ["CRM_USER": "crm"]) == [
            "slipway.yml:6:5: databases.hr.url: environment variable HR_DATABASE_URL is not set (referenced as ${HR_DATABASE_URL})",
            "slipway.yml:9:5: databases.crm.url: environment variable CRM_PASSWORD is not set (referenced as ${CRM_PASSWORD})",
        ])
    }

    @Test func malformedReferenceIsRefused() {
        let yaml = minimalServices + """
        databases:
          hr: { url: "postgres://${HR USER}@db/hr", migrations: m }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:9: databases.hr.url: invalid variable reference "${HR USER}"; write ${NAME}"#,
        ])
    }

    @Test func unsupportedURLNeverShowsItsValue() {
        let yaml = minimalServices + """
        databases:
          a: { url: "mysql://root:hunter2@db/a", migrations: m }
          b: { url: "${B_URL}", migrations: m }
          c: { url: "sqlite:", migrations: m }
          d: { url: "${D_URL}", migrations: m }
        """
        let lines = issueLines(yaml, environment: ["B_URL": "hunter2", "D_URL": "mongodb://hunter2@db"])
        #expect(lines == [
            "slipway.yml:5:8: databases.a.url: expected a url starting with postgres:// or sqlite:, got a mysql: url",
            "slipway.yml:6:8: databases.b.url: expected a url starting with postgres:// or sqlite: in the value of ${B_URL}",
            "slipway.yml:7:8: databases.c.url: expected a file path after sqlite:, like sqlite:data/app.db",
            "slipway.yml:8:8: databases.d.url: expected a url starting with postgres:// or sqlite: in the value of ${D_URL}, got a mongodb: url",
        ])
        #expect(!lines.joined().contains("hunter2"))
    }
}
