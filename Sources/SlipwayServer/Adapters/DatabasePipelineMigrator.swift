import Logging
import SlipwayCore
import SlipwayDatabase
import SlipwayModel

/// The pipeline's backup and migrate stages on `SlipwayDatabase`: the same migrator `slipway db`
/// runs, reading the migrations of the release being deployed, tied to the deployment by id.
struct DatabasePipelineMigrator: DatabaseMigrating {
    let config: ProjectConfig
    let logger: Logger

    func backup(database: String, releaseDirectory: String, deployment: String,
                log: @escaping @Sendable (String) -> Void) async throws -> String? {
        let (migrator, settings) = try self.migrator(database, releaseDirectory: releaseDirectory, log: log)
        // backup_timeout spans the whole stage: validation, the lock wait, the dump and its proof.
        let deadline = StageDeadline.backup(settings)
        let report = try await migrator.validate(deadline: deadline)
        guard !report.pending.isEmpty else {
            log("\(database): schema at version \(report.schemaVersion ?? "-"), no migration pending: no backup needed")
            return nil
        }
        log("\(database): \(report.pending.count) pending: \(report.pending.joined(separator: ", "))")
        return try await migrator.backups.backup(deploymentID: deployment, reason: .migrate, deadline: deadline).manifest.name
    }

    func migrate(database: String, releaseDirectory: String, deployment: String,
                 log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        let (migrator, settings) = try self.migrator(database, releaseDirectory: releaseDirectory, log: log)
        // The backup stage took and verified the backup just before.
        let result = try await migrator.migrate(MigrateOptions(backup: false, deploymentID: deployment,
                                                               timeout: settings.migrateTimeout))
        return result.applied.map(\.script)
    }

    private func migrator(_ database: String, releaseDirectory: String,
                          log: @escaping @Sendable (String) -> Void) throws -> (DatabaseMigrator, DatabaseConfig) {
        guard let settings = config.database(named: database) else {
            throw SlipwayError(.configInvalid, "no database named \(database) in \(config.file)")
        }
        let migrator = try DatabaseMigrator(config: settings, baseDirectory: config.rootDirectory, migrationsBase: releaseDirectory,
                                            logger: logger) { event in
            switch event {
            case .waitingForLock(_, let message): log(message)
            case .backupStarted(let name): log("backing up \(name)")
            case .backupWritten(let manifest): log("backup \(manifest.name) written")
            case .backupVerified(let manifest): log("backup \(manifest.name) verified by a restore into a scratch database")
            case .backupsRotated(_, let deleted): if !deleted.isEmpty { log("rotated out \(deleted.joined(separator: ", "))") }
            case .migrationStarted(_, let script): log("applying \(script)")
            case .migrationApplied(_, let row): log("applied \(row.script) in \(row.executionTime) ms")
            case .migrationsUndone(_, let scripts): log("undone with the run's transaction: \(scripts.joined(separator: ", "))")
            case .restoreStarted: break
            }
        }
        return (migrator, settings)
    }
}
