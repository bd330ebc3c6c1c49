import Foundation
import SlipwayModel
import Synchronization
import Testing
@testable import SlipwayDatabase

/// Backups of real databases: each shared scenario with SQLite (online backup, gzip, scratch-file proof) and
/// with PostgreSQL (pg_dump custom format, proof in a scratch database), then what only one engine does.
@Suite struct BackupTests {
    @Test(arguments: Engine.available)
    func migrateTakesAVerifiedBackupFirst(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            try project.write("V2__add_email.sql", "ALTER TABLE person ADD COLUMN email VARCHAR(200);\n")

            let result = try await project.migrator(url: db.url, verify: true)
                .migrate(MigrateOptions(deploymentID: "d-20261122-093015-4f2a"))

            let backup = try #require(result.backup)
            #expect(backup.name.hasPrefix("app-"))
            #expect(backup.name.hasSuffix("Z-d-20261122-093015-4f2a"))
            #expect(backup.verified, "\(backup.verification ?? "")")
            #expect(backup.verification?.contains("1 history rows, as recorded") == true)
            #expect(backup.reason == .migrate)
            #expect(backup.schemaVersion == "1", "the version before the run")
            #expect(backup.historyRows == 1)
            #expect(Set(backup.tools.keys) == Set(engine.backupTools))
            let file = project.backupDirectory + "/" + backup.file
            #expect(try await TestFiles.sha256(file) == backup.sha256)
            #expect(try TestFiles.size(file) == backup.sizeBytes)
            #expect(project.backupFiles() == [backup.file, backup.name + ".json"].sorted())
            let onDisk = try ManifestCoding.decoder().decode(BackupManifest.self,
                from: Data(contentsOf: URL(fileURLWithPath: project.backupDirectory + "/" + backup.name + ".json")))
            #expect(onDisk == backup, "what migrate reports is what the manifest on disk says")
            #expect(result.applied.map(\.script) == ["V2__add_email.sql"])
        }
    }

    @Test(arguments: Engine.available)
    func backupRestoreRoundTrip(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let backups = try project.backups(url: db.url)
            let taken = try await backups.backup()
            #expect(taken.manifest.reason == .manual)
            #expect(taken.manifest.name.hasSuffix("-manual"))

            try await db.execute("DELETE FROM person WHERE id = 1; INSERT INTO person (id, name) VALUES (3, 'Linus')")
            try project.write("V3__later.sql", "CREATE TABLE later (id INTEGER);\n")
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            #expect(try await db.tableExists("later"))

            let report = try await backups.restore(taken.manifest.name)

            #expect(try await db.query("SELECT id, name FROM person ORDER BY id") == "1|Ada\n2|Grace")
            #expect(try await !db.tableExists("later"), "what came after the backup is gone")
            #expect(try await db.query("SELECT count(*) FROM slipway_schema_history") == "2")
            #expect(report.verification.contains("2 history rows, as recorded"))
            #expect(report.backup.name == taken.manifest.name)
            #expect(report.replacedKeptAs != nil, "the replaced database is kept aside")
            #expect(try await project.migrator(url: db.url).info().pending == ["V3__later.sql"])
        }
    }

    @Test(arguments: Engine.available)
    func corruptBackupIsRefused(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let backups = try project.backups(url: db.url)
            let taken = try await backups.backup().manifest
            let file = project.backupDirectory + "/" + taken.file
            try TestFiles.flipBytes(file, at: Int(taken.sizeBytes) / 2, count: 64)

            let error = await #expect(throws: SlipwayError.self) { try await backups.verify(taken.name) }
            #expect(error?.code == .backupVerifyFailed)
            #expect(error?.message.contains("is not the file that was backed up") == true, "\(error?.message ?? "")")
            #expect(try backups.list().first?.verified == false, "the manifest records the failure")
            let restore = await #expect(throws: SlipwayError.self) { try await backups.restore(taken.name) }
            #expect(restore?.code == .backupVerifyFailed)
            #expect(try await db.query("SELECT count(*) FROM person") == "2", "the live database was not touched")

            // A backup bad from the start (its manifest describes the bad bytes) is caught by the scratch restore.
            var forged = taken
            try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: file))
            forged.sha256 = try await TestFiles.sha256(file)
            forged.sizeBytes = 4096
            try Data(try ManifestCoding.encoder().encode(forged)).write(
                to: URL(fileURLWithPath: project.backupDirectory + "/" + taken.name + ".json"))
            let scratch = await #expect(throws: SlipwayError.self) { try await backups.verify(taken.name) }
            #expect(scratch?.code == .backupVerifyFailed)
            #expect(scratch?.message.contains("is not the file") == false, "\(scratch?.message ?? "")")
        }
    }

    @Test(arguments: Engine.available)
    func rotationKeepsTheNewestVerified(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            let verified = try await project.backups(url: db.url, keep: 3).backup().manifest
            let unverified = try project.backups(url: db.url, verify: false, keep: 1)
            _ = try await unverified.backup()
            let last = try await unverified.backup()

            #expect(last.rotated.count == 1, "one beyond keep: 1, the newest verified spared")
            let names = try unverified.list().map(\.name)
            #expect(names == [last.manifest.name, verified.name])
            #expect(project.backupFiles().count == 4, "two backups, two manifests")
        }
    }

    /// The pipeline's backup and migrate stages are one hold of the lock: between the backup and the
    /// first migration (where `beforeApplying` runs) no other migrator gets in, so the backup is the
    /// schema the migrations start from. Answering false applies nothing and keeps the backup.
    @Test(arguments: Engine.available)
    func backupAndMigrationsShareOneHoldOfTheLock(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            _ = try await project.migrator(url: db.url).migrate(MigrateOptions(backup: false))
            try project.write("V2__add_people.sql", SampleSQL.addPeople)
            let events = EventLog()
            let pipeline = try project.migrator(url: db.url, verify: true, events: events)
            let other = try project.migrator(url: db.url)

            let between = try await pipeline.migrate(MigrateOptions(deploymentID: "d-1")) { backup in
                #expect(backup?.verified == true)
                let error = await #expect(throws: SlipwayError.self) {
                    try await other.migrate(MigrateOptions(backup: false, lockWait: .milliseconds(300)))
                }
                #expect(error?.code == .lockTimeout, "another migrator waits for the whole run, backup to last migration")
                let people = try await db.query("SELECT count(*) FROM person")
                #expect(people == "0", "no migration has run yet")
                return true
            }
            #expect(between.applied.map(\.script) == ["V2__add_people.sql"])
            #expect(events.all.contains(.planned(database: "app", schemaVersion: "1", pending: ["V2__add_people.sql"])))
            #expect(try await db.query("SELECT count(*) FROM person") == "2")

            try project.write("V3__later.sql", "CREATE TABLE later (id INTEGER);\n")
            let stopped = try await pipeline.migrate(MigrateOptions(deploymentID: "d-2")) { _ in false }
            #expect(stopped.applied.isEmpty)
            #expect(stopped.backup != nil, "the backup was taken before the answer")
            #expect(try await !db.tableExists("later"))
            #expect(try await pipeline.info().pending == ["V3__later.sql"])

            #expect(try await pipeline.migrate(MigrateOptions(deploymentID: "d-3")) { _ in true }.applied.map(\.script) == ["V3__later.sql"])
            let calls = Mutex(0)
            let nothingPending = try await pipeline.migrate(MigrateOptions(deploymentID: "d-4")) { _ in
                calls.withLock { $0 += 1 }
                return true
            }
            #expect(calls.withLock { $0 } == 0, "not called when nothing is pending")
            #expect(nothingPending.backup == nil)
        }
    }

    @Test(arguments: Engine.available)
    func failedVerificationStopsTheMigration(_ engine: Engine) async throws {
        try await engine.run { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson)
            let real = try project.migrator(url: db.url, verify: true).context
            let context = DatabaseContext(config: real.config, location: real.location,
                                          engine: VerificationFails(base: real.engine), migrationsDirectory: real.migrationsDirectory,
                                          backups: real.backups, events: { _ in })

            let error = await #expect(throws: SlipwayError.self) { try await DatabaseMigrator(context: context).migrate() }

            #expect(error?.code == .backupVerifyFailed)
            #expect(try await !db.tableExists("person"), "nothing was migrated")
            #expect(try real.backups.all().first?.verified == false)
        }
    }

    // MARK: SQLite only

    @Test func backupIsGzipOfASoundCopy() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
            let manifest = try #require(try await project.migrator(url: db.url).migrate().backup)

            #expect(manifest.file.hasSuffix(".sqlite.gz"))
            #expect(manifest.format == .sqliteGzip)
            #expect(manifest.historyRows == nil, "taken before the first migration: no history table yet")
            let data = try Data(contentsOf: URL(fileURLWithPath: project.backupDirectory + "/" + manifest.file))
            #expect(data.prefix(2) == Data([0x1F, 0x8B]), "gzip magic")
        }
    }

    @Test func restoreKeepsTheReplacedFileAside() async throws {
        try await Engine.withSQLite { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
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

    // MARK: PostgreSQL only

    @Test(.needsPostgres) func backupIsACustomFormatDumpAndScratchDatabasesAreDropped() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
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

    @Test(.needsPostgres) func restoreKeepsTheReplacedDatabaseAsideAndItsProperties() async throws {
        try await Engine.withPostgres { project, db in
            try project.write("V1__create_person.sql", SampleSQL.createPerson + SampleSQL.addPeople)
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

/// A real engine whose backup proof always fails, as a truncated dump's would.
private struct VerificationFails: DatabaseEngine {
    let base: any DatabaseEngine
    var location: DatabaseLocation { base.location }
    var backupFormat: BackupFormat { base.backupFormat }

    func inspect(_ scripts: [MigrationScript]) async throws -> (history: [AppliedMigration], issues: [ValidationIssue]) {
        try await base.inspect(scripts)
    }

    func withMigrationLock<T: Sendable>(wait: Duration, onWait: @escaping @Sendable (String) -> Void,
                                        _ body: (any MigrationSession) async throws -> T) async throws -> T {
        try await base.withMigrationLock(wait: wait, onWait: onWait, body)
    }

    func verifyBackup(file: String, manifest: BackupManifest, deadline: StageDeadline?) async throws -> String {
        throw SlipwayError(.backupVerifyFailed, "scratch restore failed")
    }

    func restoreBackup(file: String, manifest: BackupManifest, replacedSuffix: String) async throws -> RestoreOutcome {
        try await base.restoreBackup(file: file, manifest: manifest, replacedSuffix: replacedSuffix)
    }
}
