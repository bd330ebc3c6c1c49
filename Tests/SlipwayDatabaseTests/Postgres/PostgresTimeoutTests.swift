import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// `migrate_timeout` and `backup_timeout` against the real PostgreSQL server of scripts/ensure-postgres.sh.
@Suite(.enabled(if: TestPostgres.enabled, "PostgreSQL not reachable: run scripts/ensure-postgres.sh (with CI set, these fail instead)"))
struct PostgresTimeoutTests {
    let project: MigrationProject

    init() throws {
        project = try MigrationProject()
    }

    private func run(_ scenario: (MigrationProject, PostgresDatabase) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in try await scenario(project, PostgresDatabase(url: url)) }
    }

    @Test func slowMigrationStopsAtMigrateTimeout() async throws {
        try await run { project, db in
            try await TimeoutScenarios.slowMigrationStopsAtMigrateTimeout(project, db, endless: "SELECT pg_sleep(10);")
        }
    }

    @Test func hungPgDumpStopsAtBackupTimeout() async throws {
        try await run { project, db in
            try await TimeoutScenarios.hungToolStopsAtBackupTimeout(project, db, tool: "pg_dump")
        }
    }

    /// CREATE INDEX CONCURRENTLY runs outside a transaction: the session's statement_timeout is set for each
    /// statement and reset after it, and the transactional migration after it runs under its own limit.
    @Test func statementsOutsideATransactionRunUnderMigrateTimeout() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson)
            try project.write("V2__index.sql", "CREATE INDEX CONCURRENTLY person_name ON person (name);\nVACUUM (ANALYZE) person;\n")
            try project.write("V3__add_people.sql", MigrationScenarios.addPeople)

            let result = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false, timeout: .seconds(60)))

            #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V2__index.sql", "V3__add_people.sql"])
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history WHERE success") == "3")
            #expect(try await db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'person_name'::regclass") == "t")
        }
    }
}
