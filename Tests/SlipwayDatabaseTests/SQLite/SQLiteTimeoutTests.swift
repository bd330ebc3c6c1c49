import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// `migrate_timeout` and `backup_timeout` on real SQLite files.
@Suite struct SQLiteTimeoutTests {
    let project: MigrationProject
    let db: SQLiteDatabase

    init() throws {
        project = try MigrationProject()
        db = SQLiteDatabase(project)
    }

    /// Counting to a billion takes minutes: only the interrupt ends it.
    static let endlessCount = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c;"

    @Test func slowMigrationStopsAtMigrateTimeout() async throws {
        try await TimeoutScenarios.slowMigrationStopsAtMigrateTimeout(project, db, endless: Self.endlessCount)
    }

    @Test func hungGzipStopsAtBackupTimeout() async throws {
        try await TimeoutScenarios.hungToolStopsAtBackupTimeout(project, db, tool: "gzip")
    }

    /// SQLite rolls back the whole transaction (the run's lock) when a statement that writes is interrupted:
    /// what the run applied before is undone too, and the error, the events and the history say so.
    @Test func interruptedWriteUndoesTheWholeRunAndSaysSo() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson)
        try project.write("V2__numbers.sql", "CREATE TABLE numbers (x INTEGER);\nINSERT INTO numbers "
            + Self.endlessCount.replacingOccurrences(of: "SELECT count(*) FROM c", with: "SELECT x FROM c"))
        let events = EventLog()
        let migrator = try project.migrator(url: db.url, events: events)

        let error = await #expect(throws: SlipwayError.self) {
            // Room for V1 to finish on a loaded machine; V2 would count for minutes.
            try await migrator.migrate(MigrateOptions(backup: false, timeout: .seconds(3)))
        }

        #expect(error?.code == .migrationTimeout)
        #expect(error?.message.contains("exceeded migrate_timeout 3s") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("SQLite rolled back the whole run's transaction") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("V1__create_person.sql, applied earlier in this run, was undone too") == true)
        #expect(events.all.contains(.migrationsUndone(database: "app", scripts: ["V1__create_person.sql"])))
        #expect(try await !db.tableExists("person"))
        #expect(try await !db.tableExists("slipway_schema_history"))
        #expect(try await migrator.info().pending == ["V1__create_person.sql", "V2__numbers.sql"])
    }

    @Test func migrationThatFinishesInTimeIsApplied() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)

        let result = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: true, timeout: .seconds(60),
                                                                                    backupTimeout: .seconds(60)))

        #expect(result.applied.map(\.script) == ["V1__create_person.sql"])
        #expect(try await db.query("SELECT count(*) FROM person") == "2")
    }
}
