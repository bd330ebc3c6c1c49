import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// Migrations against real SQLite files in temporary directories.
@Suite struct SQLiteMigrationTests {
    let project: MigrationProject
    let db: SQLiteDatabase

    init() throws {
        project = try MigrationProject()
        db = SQLiteDatabase(project)
    }

    @Test func appliesPendingInOrderWithFlywayHistory() async throws {
        try await MigrationScenarios.appliesPendingInOrderWithFlywayHistory(project, db)
    }

    @Test func reapplyingIsANoOp() async throws {
        try await MigrationScenarios.reapplyingIsANoOp(project, db)
    }

    @Test func changedAppliedFileIsRefused() async throws {
        try await MigrationScenarios.changedAppliedFileIsRefused(project, db)
    }

    @Test func failedMigrationLeavesNoTrace() async throws {
        try await MigrationScenarios.failedMigrationLeavesNoTrace(project, db)
    }

    @Test func dryRunChangesNothing() async throws {
        try await MigrationScenarios.dryRunChangesNothing(project, db)
    }

    /// Two migrators with their own connections in this process; SQLite's locks work between connections.
    @Test func concurrentMigratorsSerialize() async throws {
        try await MigrationScenarios.concurrentMigratorsSerialize(project, db)
    }

    @Test func lockTimeoutNamesTheWait() async throws {
        try await MigrationScenarios.lockTimeoutNamesTheWait(project, db, holderMentions: "another connection")
    }

    @Test func repeatableRerunsWhenChanged() async throws {
        try await MigrationScenarios.repeatableRerunsWhenChanged(project, db)
    }

    @Test func outOfOrderIsRefusedUnlessAllowed() async throws {
        try await MigrationScenarios.outOfOrderIsRefusedUnlessAllowed(project, db)
    }

    @Test func missingFileIsRefused() async throws {
        try await MigrationScenarios.missingFileIsRefused(project, db)
    }

    @Test func baselineSkipsWhatTheSchemaAlreadyHas() async throws {
        try await MigrationScenarios.baselineSkipsWhatTheSchemaAlreadyHas(project, db)
    }

    @Test func infoOnAMissingFileCreatesNothing() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson)

        let report = try await project.migrator(url: db.url).info()

        #expect(report.pending == ["V1__create_person.sql"])
        #expect(!FileManager.default.fileExists(atPath: db.path))
    }

    @Test func transactionControlInAFileIsRefused() async throws {
        try project.write("V1__create_person.sql", "BEGIN;\n" + MigrationScenarios.createPerson + "COMMIT;\n")
        let error = await #expect(throws: SlipwayError.self) { try await project.migrator(url: db.url).migrate() }
        #expect(error?.code == .validationFailed)
        #expect(error?.message.contains("V1__create_person.sql:1: `BEGIN`") == true)
        #expect(try await !db.tableExists("person"))
    }

    @Test func triggerBodiesAreOneStatement() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson + """
            CREATE TABLE person_log (name TEXT);
            CREATE TRIGGER person_logged AFTER INSERT ON person
            BEGIN
                INSERT INTO person_log (name) VALUES (new.name);
                INSERT INTO person_log (name) VALUES (CASE WHEN new.id > 1 THEN 'later' ELSE 'first' END);
            END;
            """)
        try project.write("V2__add_people.sql", MigrationScenarios.addPeople)

        _ = try await project.migrator(url: db.url).migrate()

        #expect(try await db.query("SELECT count(*) FROM person_log") == "4")
    }
}
