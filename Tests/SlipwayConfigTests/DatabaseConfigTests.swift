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

    @Test func stageTimeoutsDefaultToThirtyMinutes() throws {
        let yaml = minimalServices + """
        databases:
          hr: { url: "sqlite:hr.db", migrations: m }
          crm: { url: "sqlite:crm.db", migrations: m, backup_timeout: 90s, migrate_timeout: 1h30m }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.databases.map(\.backupTimeout) == [.seconds(1800), .seconds(90)])
        #expect(config.databases.map(\.migrateTimeout) == [.seconds(1800), .seconds(5400)])
    }

    @Test func badStageTimeoutsAreRefusedWithTheirPosition() {
        let yaml = minimalServices + """
        databases:
          hr:
            url: sqlite:hr.db
            migrations: m
            backup_timeout: soon
            migrate_timeout: 0s
          crm: { url: "sqlite:crm.db", migrations: m, backup_timeout: [1m], migrate_timeout: 10 }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:8:5: databases.hr.backup_timeout: expected a duration like 2s, got "soon""#,
            #"slipway.yml:9:5: databases.hr.migrate_timeout: expected a duration longer than 0s, got "0s""#,
            "slipway.yml:10:47: databases.crm.backup_timeout: expected a duration like 2s, got a list",
            "slipway.yml:10:69: databases.crm.migrate_timeout: expected a duration like 2s, got 10",
        ])
    }
}
