import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

/// Migrations against the real PostgreSQL server of scripts/ensure-postgres.sh, a fresh database each.
@Suite(.enabled(if: TestPostgres.enabled, "PostgreSQL not reachable: run scripts/ensure-postgres.sh (with CI set, these fail instead)"))
struct PostgresMigrationTests {
    let project: MigrationProject

    init() throws {
        project = try MigrationProject()
    }

    private func run(_ scenario: (MigrationProject, PostgresDatabase) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in try await scenario(project, PostgresDatabase(url: url)) }
    }

    @Test func appliesPendingInOrderWithFlywayHistory() async throws {
        try await run(MigrationScenarios.appliesPendingInOrderWithFlywayHistory)
    }

    @Test func reapplyingIsANoOp() async throws {
        try await run(MigrationScenarios.reapplyingIsANoOp)
    }

    @Test func changedAppliedFileIsRefused() async throws {
        try await run(MigrationScenarios.changedAppliedFileIsRefused)
    }

    @Test func failedMigrationLeavesNoTrace() async throws {
        try await run(MigrationScenarios.failedMigrationLeavesNoTrace)
    }

    @Test func dryRunChangesNothing() async throws {
        try await run(MigrationScenarios.dryRunChangesNothing)
    }

    /// Two migrators in two tasks, each with its own connection: advisory locks are per session, so this
    /// is the same contention two processes would have.
    @Test func concurrentMigratorsSerialize() async throws {
        try await run(MigrationScenarios.concurrentMigratorsSerialize)
    }

    @Test func lockTimeoutNamesTheHolder() async throws {
        try await run { project, db in
            try await MigrationScenarios.lockTimeoutNamesTheWait(project, db, holderMentions: "slipway migrate app")
        }
    }

    @Test func repeatableRerunsWhenChanged() async throws {
        try await run(MigrationScenarios.repeatableRerunsWhenChanged)
    }

    @Test func outOfOrderIsRefusedUnlessAllowed() async throws {
        try await run(MigrationScenarios.outOfOrderIsRefusedUnlessAllowed)
    }

    @Test func missingFileIsRefused() async throws {
        try await run(MigrationScenarios.missingFileIsRefused)
    }

    @Test func baselineSkipsWhatTheSchemaAlreadyHas() async throws {
        try await run(MigrationScenarios.baselineSkipsWhatTheSchemaAlreadyHas)
    }

    @Test func concurrentIndexRunsOutsideATransaction() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)
            try project.write("V2__index_names.sql", "CREATE INDEX CONCURRENTLY person_name_idx ON person (name);\n")
            let migrator = try project.migrator(url: db.url)

            let result = try await migrator.migrate()

            #expect(result.applied.map(\.script) == ["V1__create_person.sql", "V2__index_names.sql"])
            #expect(try await db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'person_name_idx'::regclass") == "t")
            #expect(try await db.query("SELECT success FROM slipway_schema_history WHERE version = '2'") == "t")
        }
    }

    @Test func mixingConcurrentIndexWithTransactionalStatementsIsRefused() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson
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
    @Test func failedNonTransactionalMigrationIsRecordedUntilRepaired() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson)
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

    @Test func lockWaitNamesTheHoldingSession() async throws {
        try await run { project, db in
            try project.write("V1__slow.sql", db.slowStatement + "\n" + MigrationScenarios.createPerson)
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

    @Test func connectionErrorsNeverShowThePassword() async throws {
        let url = "postgres://slipway_test:hunter2-secret@127.0.0.1:1/nowhere?sslmode=disable"
        let migrator = try project.migrator(url: url)
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson)

        let error = await #expect(throws: SlipwayError.self) { try await migrator.info() }

        #expect(error?.code == .databaseFailed)
        #expect(error?.message.contains("slipway_test:***@127.0.0.1:1/nowhere") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter2") == false)
    }
}
