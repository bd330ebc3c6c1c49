import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// `migrate_timeout` and `backup_timeout` on real databases: work still running at the deadline is stopped
/// and undone, and the error names the setting; each shared scenario with SQLite and with PostgreSQL, then
/// what only one engine does.
@Suite struct TimeoutTests {
    /// The migrations' limit: the slow statements would take 10 s or minutes, so only the deadline ends them.
    /// Not 1 s: on a machine loaded by the other suites, taking the lock and reading the history can take
    /// that long, and the run then stops before the slow statement starts (correctly, but not what is tested).
    static let limit = Duration.seconds(2)
    /// The backup's: room for the lock and the history read before the tool starts, on a loaded machine too.
    static let backupLimit = Duration.seconds(3)

    @Test(arguments: Engine.available)
    func slowMigrationStopsAtMigrateTimeout(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            let migrator = try project.migrator(url: db.url)
            // V1 in a run of its own, so the deadline meets V2's statement even on a loaded machine.
            _ = try await migrator.migrate(MigrateOptions(backup: false))
            try project.write("V2__slow.sql", "CREATE TABLE slow (id INTEGER);\n" + engine.endlessStatement + "\n")
            let started = ContinuousClock.now

            let error = await #expect(throws: SlipwayError.self) {
                try await migrator.migrate(MigrateOptions(backup: false, timeout: Self.limit))
            }

            let elapsed = ContinuousClock.now - started
            #expect(error?.code == .migrationTimeout)
            #expect(error?.message.contains("exceeded migrate_timeout 2s") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("V2__slow.sql was rolled back") == true, "\(error?.message ?? "")")
            #expect(error?.context.file?.hasSuffix("migrations/V2__slow.sql") == true)
            #expect(elapsed < Self.limit + .seconds(3), "stopped at the deadline, not when the statement would end: \(elapsed)")
            #expect(try await !db.tableExists("slow"), "the timed-out migration's DDL was rolled back")
            #expect(try await db.query("SELECT script FROM slipway_schema_history") == "V1__create_person.sql",
                    "V1 stays applied, V2 left no row")
            #expect(try await migrator.info().pending == ["V2__slow.sql"])
        }
    }

    /// The engine's backup tool (pg_dump or gzip), replaced by one that writes a little output, then hangs
    /// with a child of its own that holds its pipes: the whole process group must go.
    @Test(arguments: Engine.available)
    func hungToolStopsAtBackupTimeout(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let backups = try Self.hangingBackups(project, db, tool: engine.backupTool)
            let started = ContinuousClock.now

            let error = await #expect(throws: SlipwayError.self) {
                try await backups.backup(deadline: StageDeadline(.backupTimeout, timeout: Self.backupLimit))
            }

            let elapsed = ContinuousClock.now - started
            #expect(error?.code == .backupTimeout)
            #expect(error?.message == "the backup exceeded backup_timeout 3s: \(engine.backupTool) was stopped and its partial output removed",
                    "\(error?.message ?? "")")
            #expect(elapsed < Self.backupLimit + .seconds(Subprocess.grace.seconds) + .seconds(3), "\(elapsed)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: project.backupDirectory)) ?? []
            #expect(left.isEmpty, "no partial backup file or manifest, hidden ones included: \(left)")
            #expect(try backups.list().isEmpty)
            #expect(try await db.query("SELECT count(*) FROM person") == "2", "the database is as it was")
        }
    }

    // MARK: SQLite only

    /// SQLite rolls back the whole transaction (the run's lock) when a statement that writes is interrupted:
    /// what the run applied before is undone too, and the error, the events and the history say so.
    @Test func interruptedWriteUndoesTheWholeRunAndSaysSo() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__numbers.sql", "CREATE TABLE numbers (x INTEGER);\nINSERT INTO numbers "
                + SQLiteDatabase.endlessCount.replacingOccurrences(of: "SELECT count(*) FROM c", with: "SELECT x FROM c"))
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
    }

    @Test func migrationThatFinishesInTimeIsApplied() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)

            let result = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: true, timeout: .seconds(60),
                                                                                        backupTimeout: .seconds(60)))

            #expect(result.applied.map(\.script) == ["V1__create_person.sql"])
            #expect(try await db.query("SELECT count(*) FROM person") == "2")
        }
    }

    // MARK: PostgreSQL only

    /// CREATE INDEX CONCURRENTLY runs outside a transaction: the session's statement_timeout is set for each
    /// statement and reset after it, and the transactional migration after it runs under its own limit.
    @Test(.needsPostgres) func statementsOutsideATransactionRunUnderMigrateTimeout() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__index.sql", "CREATE INDEX CONCURRENTLY person_name ON person (name);\nVACUUM (ANALYZE) person;\n")
            try project.write("V3__add_people.sql", SampleSQL.addPeople)

            let result = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false, timeout: .seconds(60)))

            #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V2__index.sql", "V3__add_people.sql"])
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history WHERE success") == "3")
            #expect(try await db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'person_name'::regclass") == "t")
        }
    }

    /// The project's backups with `tool` replaced by a script that hangs.
    private static func hangingBackups(_ project: MigrationProject, _ db: some ScenarioDatabase, tool: String) throws -> DatabaseBackups {
        let script = project.root + "/bin/" + tool
        try FileManager.default.createDirectory(atPath: project.root + "/bin", withIntermediateDirectories: true)
        try Data("""
            #!/bin/sh
            for argument in "$@"; do
              case "$argument" in --file=*) echo partial > "${argument#--file=}" ;; esac
            done
            echo partial
            sleep 600
            """.utf8).write(to: URL(fileURLWithPath: script))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let real = try project.backups(url: db.url).context
        let locator = ToolLocator(paths: [tool: script])
        let engine: any DatabaseEngine = switch real.location {
        case .postgres(let endpoint):
            PostgresEngine(endpoint: endpoint, lockTimeout: .seconds(5), applicationName: "slipway test", logger: .init(label: "test"),
                           locator: locator)
        case .sqlite(let path):
            SQLiteEngine(path: path, locator: locator)
        }
        return DatabaseBackups(context: DatabaseContext(config: real.config, location: real.location, engine: engine,
                                                        migrationsDirectory: real.migrationsDirectory, backups: real.backups,
                                                        events: { _ in }))
    }
}

private extension DispatchTimeInterval {
    var seconds: Int {
        if case .seconds(let value) = self { return value }
        return 0
    }
}
