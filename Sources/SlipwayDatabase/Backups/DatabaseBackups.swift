import Foundation
import Logging
import SlipwayModel

/// Backups of one configured database: take (and prove), list, verify, rotate, restore.
package struct DatabaseBackups: Sendable {
    let context: DatabaseContext

    /// `baseDirectory` is the directory of `slipway.yml`: relative paths (SQLite file, backup dir) start there.
    package init(config: DatabaseConfig, baseDirectory: String, logger: Logger = Logger(label: "slipway.database"),
                 onEvent: @escaping DatabaseEventSink = { _ in }) throws {
        context = try DatabaseContext(config: config, baseDirectory: baseDirectory, logger: logger, events: onEvent,
                                      applicationName: "slipway db backup \(config.name)")
    }

    init(context: DatabaseContext) {
        self.context = context
    }

    package var directory: String { context.backups.directory }

    /// Takes a backup under the migration lock (so it is consistent with the history it records), proves it
    /// when `verify` is on, then rotates. Throws `backupVerifyFailed` when the proof fails.
    /// `reason` is `.migrate` for the backup a deployment takes before its migrations.
    /// `deadline` (`StageDeadline.backup(config)`, started before the stage validated) bounds the lock wait,
    /// the dump and the proof: at it the tool running is stopped and `backupTimeout` thrown.
    package func backup(deploymentID: String? = nil, reason: BackupManifest.Reason = .manual,
                        lockWait: Duration = .seconds(300), deadline: StageDeadline? = nil) async throws -> BackupResult {
        let context = self.context
        return try await Self.locked(context, wait: lockWait, deadline: deadline) { session in
            try await take(session: session, reason: reason, deploymentID: deploymentID, deadline: deadline)
        }
    }

    /// `withMigrationLock`, the wait cut to what is left before the deadline: a lock wait that ends because
    /// the stage ran out of time is the stage's timeout, not a lock timeout.
    static func locked<T: Sendable>(_ context: DatabaseContext, wait: Duration, deadline: StageDeadline?,
                                    _ body: (any MigrationSession) async throws -> T) async throws -> T {
        try deadline.check("waiting for the migration lock")
        do {
            return try await context.engine.withMigrationLock(wait: deadline.bounding(wait), onWait: { message in
                context.events(.waitingForLock(database: context.name, message: message))
            }, body)
        } catch let error as SlipwayError where error.code == .lockTimeout {
            if let deadline, deadline.hasPassed { throw deadline.exceeded("waiting for the migration lock", " (\(error.message))") }
            throw error
        }
    }

    /// Newest first.
    package func list() throws -> [BackupManifest] {
        try context.backups.all()
    }

    /// Checks the file against its manifest's SHA-256, restores it into a scratch database and compares the
    /// history; records the outcome in the manifest either way.
    package func verify(_ name: String) async throws -> BackupManifest {
        try await verify(name, deadline: nil)
    }

    /// A proof stopped at the deadline is recorded as not verified, with why, and throws the deadline's error.
    func verify(_ name: String, deadline: StageDeadline?) async throws -> BackupManifest {
        var manifest = try context.backups.find(name)
        do {
            try deadline.check("the backup")
            try await checkChecksum(manifest)
            let summary = try await context.engine.verifyBackup(file: context.backups.path(of: manifest), manifest: manifest,
                                                                deadline: deadline)
            manifest.verified = true
            manifest.verification = summary
        } catch let error as SlipwayError where error.code == .backupTimeout {
            manifest.verified = false
            manifest.verification = "not proved: \(error.message)"
            manifest.verifiedAt = ManifestCoding.truncated(Date())
            try? context.backups.write(manifest)
            throw error
        } catch let error as SlipwayError {
            manifest.verified = false
            manifest.verification = "failed: \(error.message)"
            manifest.verifiedAt = ManifestCoding.truncated(Date())
            try? context.backups.write(manifest)
            throw SlipwayError(.backupVerifyFailed, "backup \(manifest.name) failed verification: \(error.message)")
        }
        manifest.verifiedAt = ManifestCoding.truncated(Date())
        try context.backups.write(manifest)
        context.events(.backupVerified(manifest))
        return manifest
    }

    /// Deletes what `keep` and `max_age` expire, never the newest verified backup.
    package func rotate(now: Date = Date()) throws -> [BackupManifest] {
        let expired = BackupRotation.expired(try context.backups.all(), keep: context.config.backup.keep,
                                             maxAge: context.config.backup.maxAge, now: now)
        for manifest in expired { try context.backups.delete(manifest) }
        if !expired.isEmpty { context.events(.backupsRotated(database: context.name, deleted: expired.map(\.name))) }
        return expired
    }

    /// Restores `name` (default: the newest verified backup, else the newest) into the live database after
    /// proving it again, and checks the live database afterwards. The replaced content is kept aside.
    package func restore(_ name: String? = nil, now: Date = Date()) async throws -> RestoreReport {
        let manifest = try chooseForRestore(name)
        context.events(.restoreStarted(database: context.name, backup: manifest.name))
        try await checkChecksum(manifest)
        let outcome = try await context.engine.restoreBackup(file: context.backups.path(of: manifest), manifest: manifest,
            replacedSuffix: "before_restore_\(BackupNaming.timestamp(now))")
        return RestoreReport(database: context.name, url: context.location.redacted, backup: manifest,
                             replacedKeptAs: outcome.replacedKeptAs, verification: outcome.verification)
    }

    package func chooseForRestore(_ name: String?) throws -> BackupManifest {
        if let name { return try context.backups.find(name) }
        let all = try context.backups.all()
        guard let chosen = all.first(where: \.verified) ?? all.first else {
            throw SlipwayError(.unknownBackup, "\(context.name) has no backups in \(context.backups.directory)")
        }
        return chosen
    }

    // MARK: - Taking one

    /// Writes the backup through the session holding the lock, measures it, writes its manifest, proves it.
    func take(session: any MigrationSession, reason: BackupManifest.Reason, deploymentID: String?,
              deadline: StageDeadline? = nil, now: Date = Date()) async throws -> BackupResult {
        try deadline.check("the backup")
        let now = ManifestCoding.truncated(now)
        let catalog = context.backups
        context.events(.backupStarted(database: context.name))
        try FileManager.default.createDirectory(atPath: catalog.directory, withIntermediateDirectories: true)
        var name = BackupNaming.name(database: context.name, at: now, deploymentID: deploymentID)
        let taken = Set(try catalog.all().map(\.name))
        var counter = 2
        while taken.contains(name) {
            name = BackupNaming.name(database: context.name, at: now, deploymentID: deploymentID) + "-\(counter)"
            counter += 1
        }
        let format = context.engine.backupFormat
        let file = "\(name).\(format.fileExtension)"
        let partial = catalog.directory + "/.\(file).partial"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let snapshot: BackupSnapshot
        do {
            snapshot = try await session.writeBackup(to: partial, deadline: deadline)
        } catch let error as SlipwayError where error.code != .backupTimeout {
            throw SlipwayError(.backupFailed, "backup of \(context.name) failed: \(error.message)")
        }
        guard rename(partial, catalog.directory + "/" + file) == 0 else {
            throw SlipwayError(.backupFailed, "cannot move the backup into \(catalog.directory): \(String(cString: strerror(errno)))")
        }
        let (size, sha256) = try await BackupCatalog.measure(catalog.directory + "/" + file)
        let version = snapshot.history.filter(\.success).compactMap(\.parsedVersion).max()
        var manifest = BackupManifest(name: name, database: context.name, format: format, file: file, createdAt: now,
            deploymentID: deploymentID, reason: reason, sizeBytes: size, sha256: sha256, tools: snapshot.tools,
            schemaVersion: version?.description, historyRows: snapshot.historyRows, historyTable: snapshot.historyTable)
        try catalog.write(manifest)
        context.events(.backupWritten(manifest))
        if context.config.backup.verify {
            manifest = try await verify(name, deadline: deadline)
        }
        let rotated = try rotate(now: now)
        return BackupResult(manifest: manifest, rotated: rotated.map(\.name))
    }

    private func checkChecksum(_ manifest: BackupManifest) async throws {
        let (size, sha256) = try await BackupCatalog.measure(context.backups.path(of: manifest))
        guard sha256 == manifest.sha256, size == manifest.sizeBytes else {
            throw SlipwayError(.backupVerifyFailed,
                "\(manifest.file) is not the file that was backed up: sha256 \(sha256.prefix(12))… (\(size) bytes), manifest says \(manifest.sha256.prefix(12))… (\(manifest.sizeBytes) bytes)")
        }
    }
}

/// A backup just taken, and what rotation deleted after it.
package struct BackupResult: Sendable, Equatable, Codable {
    package var manifest: BackupManifest
    package var rotated: [String]
}

/// What `restore` did.
package struct RestoreReport: Sendable, Equatable, Codable {
    package var database: String
    /// The database URL without its password.
    package var url: String
    package var backup: BackupManifest
    /// The replaced database (PostgreSQL database name, SQLite file path), kept until you drop it.
    package var replacedKeptAs: String?
    package var verification: String
}
