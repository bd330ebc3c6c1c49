import Foundation
import Testing
@testable import SlipwayDatabase

/// Backups of real SQLite files: SQLite's online backup, gzip, scratch-file proof, restore.
@Suite struct SQLiteBackupTests {
    let project: MigrationProject
    let db: SQLiteDatabase

    init() throws {
        project = try MigrationProject()
        db = SQLiteDatabase(project)
    }

    @Test func migrateTakesAVerifiedBackupFirst() async throws {
        try await BackupScenarios.migrateTakesAVerifiedBackupFirst(project, db, tools: ["sqlite", "gzip"])
    }

    @Test func backupAndMigrationsShareOneHoldOfTheLock() async throws {
        try await BackupScenarios.backupAndMigrationsShareOneHoldOfTheLock(project, db)
    }

    @Test func backupRestoreRoundTrip() async throws {
        try await BackupScenarios.backupRestoreRoundTrip(project, db)
    }

    @Test func corruptBackupIsRefused() async throws {
        try await BackupScenarios.corruptBackupIsRefused(project, db)
    }

    @Test func rotationKeepsTheNewestVerified() async throws {
        try await BackupScenarios.rotationKeepsTheNewestVerified(project, db)
    }

    @Test func failedVerificationStopsTheMigration() async throws {
        try await BackupScenarios.failedVerificationStopsTheMigration(project, db)
    }

    @Test func backupIsGzipOfASoundCopy() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)
        let manifest = try #require(try await project.migrator(url: db.url).migrate().backup)

        #expect(manifest.file.hasSuffix(".sqlite.gz"))
        #expect(manifest.format == .sqliteGzip)
        #expect(manifest.historyRows == nil, "taken before the first migration: no history table yet")
        let data = try Data(contentsOf: URL(fileURLWithPath: project.backupDirectory + "/" + manifest.file))
        #expect(data.prefix(2) == Data([0x1F, 0x8B]), "gzip magic")
    }

    @Test func restoreKeepsTheReplacedFileAside() async throws {
        try project.write("V1__create_person.sql", MigrationScenarios.createPerson + MigrationScenarios.addPeople)
        _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
        let backups = try project.backups(url: db.url)
        let taken = try await backups.backup().manifest
        try await db.execute("INSERT INTO person (id, name) VALUES (3, 'Linus')")

        let report = try await backups.restore()

        let kept = try #require(report.replacedKeptAs)
        #expect(kept.hasPrefix(db.path + ".before_restore_"))
        #expect(try await TestSQLite.query(kept, "SELECT count(*) FROM person") == "3")
        #expect(try await db.query("SELECT count(*) FROM person") == "2")
        #expect(report.backup.name == taken.name, "without a name, the newest verified backup")
    }
}
