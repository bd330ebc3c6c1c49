import Foundation
import Testing
@testable import SlipwayDatabase

/// Backups of a real PostgreSQL database: pg_dump custom format, proof in a scratch database, restore.
@Suite(.enabled(if: TestPostgres.enabled, "PostgreSQL not reachable: run scripts/ensure-postgres.sh (with CI set, these fail instead)"))
struct PostgresBackupTests {
    let project: MigrationProject

    init() throws {
        project = try MigrationProject()
    }

    private func run(_ scenario: (MigrationProject, PostgresDatabase) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in try await scenario(project, PostgresDatabase(url: url)) }
    }

    @Test func backupAndMigrationsShareOneHoldOfTheLock() async throws {
        try await run { project, db in
            try await BackupScenarios.backupAndMigrationsShareOneHoldOfTheLock(project, db)
        }
    }

    @Test func migrateTakesAVerifiedBackupFirst() async throws {
        try await run { project, db in
            try await BackupScenarios.migrateTakesAVerifiedBackupFirst(project, db, tools: ["pg_dump", "postgres"])
        }
    }

    @Test func backupRestoreRoundTrip() async throws {
        try await run(BackupScenarios.backupRestoreRoundTrip)
    }

    @Test func corruptBackupIsRefused() async throws {
        try await run(BackupScenarios.corruptBackupIsRefused)
    }

    @Test func rotationKeepsTheNewestVerified() async throws {
        try await run(BackupScenarios.rotationKeepsTheNewestVerified)
    }

    @Test func failedVerificationStopsTheMigration() async throws {
        try await run(BackupScenarios.failedVerificationStopsTheMigration)
    }

    @Test func backupIsACustomFormatDumpAndScratchDatabasesAreDropped() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let manifest = try await project.backups(url: db.url).backup().manifest

            #expect(manifest.file.hasSuffix(".dump"))
            #expect(manifest.historyTable == "public.slipway_schema_history")
            let data = try Data(contentsOf: URL(fileURLWithPath: project.backupDirectory + "/" + manifest.file))
            #expect(data.prefix(5) == Data("PGDMP".utf8), "pg_dump's custom format")
            let scratch = try #require(manifest.verification?.split(separator: " ").first { $0.hasPrefix("slipway_verify_") })
            #expect(try await db.query("SELECT count(*) FROM pg_database WHERE datname = '\(scratch)'") == "0", "dropped after the proof")
        }
    }

    @Test func restoreKeepsTheReplacedDatabaseAsideAndItsProperties() async throws {
        try await run { project, db in
            try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let backups = try project.backups(url: db.url)
            _ = try await backups.backup()
            try await db.execute("INSERT INTO person (id, name) VALUES (3, 'Linus')")
            let database = try #require(URLComponents(string: db.url)?.path.dropFirst()).description
            try await db.execute("ALTER DATABASE \(database) SET statement_timeout = '42s'")
            try await db.execute("REVOKE TEMPORARY ON DATABASE \(database) FROM PUBLIC")
            let properties = """
                SELECT pg_get_userbyid(d.datdba), (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(d.datacl) a),
                       s.setconfig::text FROM pg_database d
                LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0 WHERE d.datname = '\(database)'
                """
            let before = try await db.query(properties)

            let report = try await backups.restore()

            let kept = try #require(report.replacedKeptAs)
            #expect(kept.hasPrefix(database + "_before_restore_"))
            let after = try await db.query(properties)
            #expect(after == before, "owner, privileges and settings carried over")
            #expect(before.contains("statement_timeout=42s"))
            let keptURL = TestPostgres.replacingDatabase(in: db.url, with: kept)
            #expect(try await TestPostgres.psql(keptURL, "SELECT count(*) FROM person") == "3")
            #expect(try await db.query("SELECT count(*) FROM person") == "2")
        }
    }
}
