import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// Behaviours every engine must show, run by the SQLite and the PostgreSQL suites alike.
enum MigrationScenarios {
    static let createPerson = "CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n"
    static let addPeople = "INSERT INTO person (id, name) VALUES (1, 'Ada');\nINSERT INTO person (id, name) VALUES (2, 'Grace');\n"

    static func appliesPendingInOrderWithFlywayHistory(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V2__add_people.sql", addPeople)
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V1_1__add_email.sql", "ALTER TABLE person ADD COLUMN email VARCHAR(200);\n")
        try project.write("R__person_names.sql", "DROP VIEW IF EXISTS person_names;\nCREATE VIEW person_names AS SELECT name FROM person;\n")
        let migrator = try project.migrator(url: db.url)

        let result = try await migrator.migrate()

        #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V1_1__add_email.sql", "V2__add_people.sql", "R__person_names.sql"])
        #expect(result.applied.map(\.version) == ["1", "1.1", "2", nil])
        #expect(result.previousVersion == nil)
        #expect(result.schemaVersion == "2")
        #expect(try await db.query("SELECT count(*) FROM person_names") == "2")
        let checksum = FlywayChecksum.checksum(of: createPerson)
        #expect(try await db.query("SELECT installed_rank, version, description, type, script, checksum FROM slipway_schema_history WHERE installed_rank = 1")
                == "1|1|create person|SQL|V1__create_person.sql|\(checksum)")
        let info = try await migrator.info()
        #expect(info.migrations.map(\.state) == [.applied, .applied, .applied, .applied])
        #expect(info.pending.isEmpty)
        #expect(info.issues.isEmpty)
    }

    static func reapplyingIsANoOp(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V2__add_people.sql", addPeople)
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

    static func changedAppliedFileIsRefused(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
        let migrator = try project.migrator(url: db.url)
        _ = try await migrator.migrate()
        try project.write("V1__create_person.sql", createPerson + "CREATE TABLE sneaky (id INTEGER);\n")
        try project.write("V2__add_people.sql", addPeople)

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

    static func failedMigrationLeavesNoTrace(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
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

    static func dryRunChangesNothing(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V2__add_people.sql", addPeople)
        let migrator = try project.migrator(url: db.url)

        let dryRun = try await migrator.migrate(MigrateOptions(dryRun: true))

        #expect(dryRun.dryRun)
        #expect(dryRun.applied.isEmpty)
        #expect(dryRun.backup == nil)
        #expect(dryRun.dryRunSteps.map(\.script) == ["V1__create_person.sql", "V2__add_people.sql"])
        #expect(dryRun.dryRunSteps.map(\.checksum) == [FlywayChecksum.checksum(of: createPerson), FlywayChecksum.checksum(of: addPeople)])
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

    static func concurrentMigratorsSerialize(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__slow.sql", db.slowStatement + "\n" + createPerson)
        try project.write("V2__add_people.sql", addPeople)
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

    static func lockTimeoutNamesTheWait(_ project: MigrationProject, _ db: some ScenarioDatabase, holderMentions: String) async throws {
        try project.write("V1__slow.sql", db.slowStatement + "\n" + createPerson)
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
        #expect(error?.message.contains(holderMentions) == true, "\(error?.message ?? "")")
        #expect(try await firstResult.applied.count == 1)
    }

    static func repeatableRerunsWhenChanged(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
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

    static func outOfOrderIsRefusedUnlessAllowed(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V3__add_people.sql", addPeople)
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

    static func missingFileIsRefused(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V2__add_people.sql", addPeople)
        let migrator = try project.migrator(url: db.url)
        _ = try await migrator.migrate()
        try project.remove("V2__add_people.sql")

        let report = try await migrator.info()
        #expect(report.migrations.map(\.state) == [.applied, .missing])
        let error = await #expect(throws: SlipwayError.self) { try await migrator.validate() }
        #expect(error?.message.contains("V2__add_people.sql was applied") == true)
        #expect(error?.message.contains("its file is gone") == true)
    }

    static func baselineSkipsWhatTheSchemaAlreadyHas(_ project: MigrationProject, _ db: some ScenarioDatabase) async throws {
        try await db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)")
        try project.write("V1__create_person.sql", createPerson)
        try project.write("V2__add_people.sql", addPeople)
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
