import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// Migrations against real databases: each shared scenario on a SQLite file and on the real PostgreSQL
/// server of scripts/ensure-postgres.sh (a fresh database each), then what only one engine does.
@Suite struct MigrationTests {
    @Test(arguments: Engine.available)
    func appliesPendingInOrderWithFlywayHistory(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V1_1__add_email.sql", "ALTER TABLE person ADD COLUMN email VARCHAR(200);\n")
            try project.write("R__person_names.sql", "DROP VIEW IF EXISTS person_names;\nCREATE VIEW person_names AS SELECT name FROM person;\n")
            let migrator = try project.migrator(url: db.url)

            let result = try await migrator.migrate()

            #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V1_1__add_email.sql", "V2__add_people.sql", "R__person_names.sql"])
            #expect(result.applied.map(\.version) == ["1", "1.1", "2", nil])
            #expect(result.previousVersion == nil)
            #expect(result.schemaVersion == "2")
            #expect(try await db.query("SELECT count(*) FROM person_names") == "2")
            let checksum = FlywayChecksum.checksum(of: SampleSQL.createPerson)
            #expect(try await db.query("SELECT installed_rank, version, description, type, script, checksum FROM slipway_schema_history WHERE installed_rank = 1")
                    == "1|1|create person|SQL|V1__create_person.sql|\(checksum)")
            let info = try await migrator.info()
            #expect(info.migrations.map(\.state) == [.applied, .applied, .applied, .applied])
            #expect(info.pending.isEmpty)
            #expect(info.issues.isEmpty)
        }
    }

    @Test(arguments: Engine.available)
    func reapplyingIsANoOp(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            let migrator = try project.migrator(url: db.url)
            _ = try await migrator.migrate()
            let backupsAfterFirst = project.backupFiles()

            let again = try await migrator.migrate()

            #expect(again.applied.isEmpty)
            #expect(again.backup == nil, "nothing pending, so no backup")
            #expect(again.schemaVersion == "2")
            #expect(project.backupFiles() == backupsAfterFirst)
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history") == "2")
            #expect(try await db.query("SELECT count(*) FROM person") == "2")
        }
    }

    @Test(arguments: Engine.available)
    func changedAppliedFileIsRefused(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            let migrator = try project.migrator(url: db.url)
            _ = try await migrator.migrate()
            try project.write("V1__create_person.sql", SampleSQL.createPerson + "CREATE TABLE sneaky (id INTEGER);\n")
            try project.write("V2__add_people.sql", SampleSQL.addPeople)

            let validation = await #expect(throws: SlipwayError.self) { try await migrator.validate() }
            #expect(validation?.code == .validationFailed)
            #expect(validation?.message.contains("V1__create_person.sql changed since it was applied") == true)
            let refusal = await #expect(throws: SlipwayError.self) { try await migrator.migrate() }
            #expect(refusal?.code == .validationFailed)
            #expect(try await db.query("SELECT count(*) FROM person") == "0", "V2 did not run")
            #expect(try await !db.tableExists("sneaky"))
            let info = try await migrator.info()
            #expect(info.migrations.map(\.state) == [.changed, .pending])
            #expect(info.issues.map(\.kind) == [.changed])
        }
    }

    @Test(arguments: Engine.available)
    func failedMigrationLeavesNoTrace(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__half_done.sql", """
                CREATE TABLE audit (id INTEGER);
                INSERT INTO person (id, name) VALUES (3, 'Linus');
                INSERT INTO no_such_table (id) VALUES (1);
                """)
            let migrator = try project.migrator(url: db.url)

            let error = await #expect(throws: SlipwayError.self) { try await migrator.migrate() }

            #expect(error?.code == .migrationFailed)
            #expect(error?.description.contains("migrations/V2__half_done.sql:3: ") == true, "names the file and line: \(error?.description ?? "")")
            #expect(error?.message.contains("INSERT INTO no_such_table (id) VALUES (1)") == true, "names the statement")
            #expect(error?.message.contains("no_such_table") == true, "carries the database's error")
            #expect(error?.context.file?.hasSuffix("migrations/V2__half_done.sql") == true)
            #expect(try await !db.tableExists("audit"), "the failed migration's DDL was rolled back")
            #expect(try await db.query("SELECT count(*) FROM person") == "0", "and its rows")
            #expect(try await db.query("SELECT script FROM slipway_schema_history") == "V1__create_person.sql", "V1 stays applied, V2 left no row")
            let info = try await migrator.info()
            #expect(info.migrations.map(\.state) == [.applied, .pending])
        }
    }

    @Test(arguments: Engine.available)
    func dryRunChangesNothing(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            let migrator = try project.migrator(url: db.url)

            let dryRun = try await migrator.migrate(MigrateOptions(dryRun: true))

            #expect(dryRun.dryRun)
            #expect(dryRun.applied.isEmpty)
            #expect(dryRun.backup == nil)
            #expect(dryRun.dryRunSteps.map(\.script) == ["V1__create_person.sql", "V2__add_people.sql"])
            #expect(dryRun.dryRunSteps.map(\.checksum) == [FlywayChecksum.checksum(of: SampleSQL.createPerson), FlywayChecksum.checksum(of: SampleSQL.addPeople)])
            #expect(dryRun.dryRunSteps.map(\.statements) == [1, 2])
            #expect(dryRun.dryRunSteps.allSatisfy { $0.executed })
            #expect(try await !db.tableExists("person"))
            #expect(try await !db.tableExists("slipway_schema_history"))
            #expect(project.backupFiles().isEmpty)

            try project.write("V3__broken.sql", "INSERT INTO nowhere VALUES (1);\n")
            let error = await #expect(throws: SlipwayError.self) { try await migrator.migrate(MigrateOptions(dryRun: true)) }
            #expect(error?.code == .migrationFailed)
            #expect(error?.description.contains("V3__broken.sql") == true)
            #expect(try await !db.tableExists("person"), "a failing dry run changes nothing either")
            #expect(try await migrator.info().pending == ["V1__create_person.sql", "V2__add_people.sql", "V3__broken.sql"])
        }
    }

    /// Two migrators in two tasks, each with its own connection: PostgreSQL's advisory locks are per
    /// session, so this is the same contention two processes would have; SQLite's locks work between
    /// connections in one process too.
    @Test(arguments: Engine.available)
    func concurrentMigratorsSerialize(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__slow.sql", db.slowStatement + "\n" + SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            let firstEvents = EventLog()
            let secondEvents = EventLog()
            let first = try project.migrator(url: db.url, verify: false, events: firstEvents)
            let second = try project.migrator(url: db.url, verify: false, events: secondEvents)

            async let firstResult = first.migrate(MigrateOptions(backup: false))
            await firstEvents.waitForMigrationStart()
            async let secondResult = second.migrate(MigrateOptions(backup: false, lockWait: .seconds(60)))
            let results = try await [firstResult, secondResult]

            #expect(results[0].applied.map(\.script) == ["V1__slow.sql", "V2__add_people.sql"])
            #expect(results[1].applied.isEmpty, "the second found nothing left to do once it got the lock")
            #expect(results[1].schemaVersion == "2")
            #expect(secondEvents.lockWaits.count == 1, "the second waited for the first")
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history") == "2")
            #expect(try await db.query("SELECT count(*) FROM person") == "2")
        }
    }

    @Test(arguments: Engine.available)
    func lockTimeoutNamesTheHolder(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__slow.sql", db.slowStatement + "\n" + SampleSQL.createPerson)
            let firstEvents = EventLog()
            let first = try project.migrator(url: db.url, events: firstEvents)
            let second = try project.migrator(url: db.url)

            async let firstResult = first.migrate(MigrateOptions(backup: false))
            await firstEvents.waitForMigrationStart()
            let error = await #expect(throws: SlipwayError.self) {
                try await second.migrate(MigrateOptions(backup: false, lockWait: .milliseconds(300)))
            }

            #expect(error?.code == .lockTimeout)
            #expect(error?.message.contains("gave up after 300ms") == true)
            #expect(error?.message.contains(engine.lockHolder) == true, "\(error?.message ?? "")")
            #expect(try await firstResult.applied.count == 1)
        }
    }

    @Test(arguments: Engine.available)
    func repeatableRerunsWhenChanged(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("R__names.sql", "DROP VIEW IF EXISTS names;\nCREATE VIEW names AS SELECT name FROM person;\n")
            let migrator = try project.migrator(url: db.url)
            _ = try await migrator.migrate()
            try project.write("R__names.sql", "DROP VIEW IF EXISTS names;\nCREATE VIEW names AS SELECT name, id FROM person;\n")

            #expect(try await migrator.info().migrations.map(\.state) == [.applied, .outdated])
            let rerun = try await migrator.migrate()

            #expect(rerun.applied.map(\.script) == ["R__names.sql"])
            #expect(try await migrator.info().migrations.map(\.state) == [.applied, .applied])
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history WHERE script = 'R__names.sql'") == "2")
        }
    }

    @Test(arguments: Engine.available)
    func outOfOrderIsRefusedUnlessAllowed(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V3__add_people.sql", SampleSQL.addPeople)
            _ = try await project.migrator(url: db.url).migrate()
            try project.write("V2__add_email.sql", "ALTER TABLE person ADD COLUMN email VARCHAR(200);\n")

            let refusal = await #expect(throws: SlipwayError.self) { try await project.migrator(url: db.url).migrate() }
            #expect(refusal?.code == .validationFailed)
            #expect(refusal?.message.contains("V2__add_email.sql is pending but version 3 is already applied") == true)

            let allowed = try project.migrator(url: db.url, outOfOrder: true)
            #expect(try await allowed.info().migrations.map(\.state) == [.applied, .outOfOrder, .applied])
            let result = try await allowed.migrate()
            #expect(result.applied.map(\.script) == ["V2__add_email.sql"])
            #expect(result.schemaVersion == "3")
        }
    }

    @Test(arguments: Engine.available)
    func missingFileIsRefused(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            let migrator = try project.migrator(url: db.url)
            _ = try await migrator.migrate()
            try project.remove("V2__add_people.sql")

            let report = try await migrator.info()
            #expect(report.migrations.map(\.state) == [.applied, .missing])
            let error = await #expect(throws: SlipwayError.self) { try await migrator.validate() }
            #expect(error?.message.contains("V2__add_people.sql was applied") == true)
            #expect(error?.message.contains("its file is gone") == true)
        }
    }

    @Test(arguments: Engine.available)
    func baselineSkipsWhatTheSchemaAlreadyHas(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try await db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)")
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            try project.write("V3__add_email.sql", "ALTER TABLE person ADD COLUMN email VARCHAR(200);\n")
            let migrator = try project.migrator(url: db.url)

            let row = try await migrator.baseline(version: "2")

            #expect(row.type == "BASELINE")
            #expect(row.version == "2")
            #expect(try await migrator.info().migrations.map(\.state) == [.belowBaseline, .baseline, .belowBaseline, .pending])
            let result = try await migrator.migrate()
            #expect(result.applied.map(\.script) == ["V3__add_email.sql"])
            let again = await #expect(throws: SlipwayError.self) { try await migrator.baseline(version: "2") }
            #expect(again?.code == .baselineRefused)
        }
    }

    // MARK: SQLite only

    @Test func infoOnAMissingFileCreatesNothing() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)

            let report = try await project.migrator(url: db.url).info()

            #expect(report.pending == ["V1__create_person.sql"])
            #expect(!FileManager.default.fileExists(atPath: db.path))
        }
    }

    @Test func transactionControlInAFileIsRefused() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", "BEGIN;\n" + SampleSQL.createPerson + "COMMIT;\n")
            let error = await #expect(throws: SlipwayError.self) { try await project.migrator(url: db.url).migrate() }
            #expect(error?.code == .validationFailed)
            #expect(error?.message.contains("V1__create_person.sql:1: `BEGIN`") == true)
            #expect(try await !db.tableExists("person"))
        }
    }

    @Test func triggerBodiesAreOneStatement() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + """
                CREATE TABLE person_log (name TEXT);
                CREATE TRIGGER person_logged AFTER INSERT ON person
                BEGIN
                    INSERT INTO person_log (name) VALUES (new.name);
                    INSERT INTO person_log (name) VALUES (CASE WHEN new.id > 1 THEN 'later' ELSE 'first' END);
                END;
                """)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)

            _ = try await project.migrator(url: db.url).migrate()

            #expect(try await db.query("SELECT count(*) FROM person_log") == "4")
        }
    }

    // MARK: PostgreSQL only

    @Test(.needsPostgres) func concurrentIndexRunsOutsideATransaction() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
            try project.write("V2__index_names.sql", "CREATE INDEX CONCURRENTLY person_name_idx ON person (name);\n")
            let migrator = try project.migrator(url: db.url)

            let result = try await migrator.migrate()

            #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V2__index_names.sql"])
            #expect(try await db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'person_name_idx'::regclass") == "t")
            #expect(try await db.query("SELECT success FROM slipway_schema_history WHERE version = '2'") == "t")
        }
    }

    @Test(.needsPostgres) func mixingConcurrentIndexWithTransactionalStatementsIsRefused() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson
                + "CREATE INDEX CONCURRENTLY person_name_idx ON person (name);\n")
            let error = await #expect(throws: SlipwayError.self) { try await project.migrator(url: db.url).validate() }
            #expect(error?.code == .validationFailed)
            #expect(error?.message.contains("V1__create_person.sql:2: `CREATE INDEX CONCURRENTLY") == true)
            #expect(error?.message.contains("must run outside a transaction") == true)
            #expect(try await !db.tableExists("person"))
        }
    }

    /// Outside a transaction a failure cannot be undone: as Flyway, it is recorded as failed, blocks the
    /// next run until `repair`, and then runs again.
    @Test(.needsPostgres) func failedNonTransactionalMigrationIsRecordedUntilRepaired() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__index.sql", "CREATE INDEX CONCURRENTLY person_name_idx ON person (nickname);\n")
            let migrator = try project.migrator(url: db.url)

            let error = await #expect(throws: SlipwayError.self) { try await migrator.migrate() }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("nickname") == true)
            #expect(try await db.query("SELECT success FROM slipway_schema_history WHERE version = '2'") == "f")
            #expect(try await migrator.info().migrations.map(\.state) == [.applied, .failed])
            let blocked = await #expect(throws: SlipwayError.self) { try await migrator.migrate() }
            #expect(blocked?.message.contains("slipway db repair") == true)

            try project.write("V2__index.sql", "CREATE INDEX CONCURRENTLY person_name_idx ON person (name);\n")
            let repaired = try await migrator.repair()
            #expect(repaired.deleted == ["V2__index.sql"])
            let result = try await migrator.migrate()
            #expect(result.applied.map(\.script) == ["V2__index.sql"])
        }
    }

    @Test(.needsPostgres) func lockWaitNamesTheHoldingSession() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__slow.sql", db.slowStatement + "\n" + SampleSQL.createPerson)
            let firstEvents = EventLog()
            let secondEvents = EventLog()
            async let first = project.migrator(url: db.url, events: firstEvents).migrate(MigrateOptions(backup: false))
            await firstEvents.waitForMigrationStart()
            _ = try await project.migrator(url: db.url, events: secondEvents).migrate(MigrateOptions(backup: false))

            let wait = try #require(secondEvents.lockWaits.first)
            #expect(wait.contains("held by pid"), "\(wait)")
            #expect(wait.contains("slipway migrate app"), "the holder's application_name: \(wait)")
            _ = try await first
        }
    }

    @Test(.needsPostgres) func connectionErrorsNeverShowThePassword() async throws {
        let project = try MigrationProject()
        let url = "postgres://slipway_test:hunter2-secret@127.0.0.1:1/nowhere?sslmode=disable"
        let migrator = try project.migrator(url: url)
        try project.write("V1__create_person.sql", SampleSQL.createPerson)

        let error = await #expect(throws: SlipwayError.self) { try await migrator.info() }

        #expect(error?.code == .databaseFailed)
        #expect(error?.message.contains("slipway_test:***@127.0.0.1:1/nowhere") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter2") == false)
    }
}
