import Logging
import SlipwayCore
import SlipwayModel

/// The pipeline's backup and migrate stages on `SlipwayDatabase`: the same migrator `slipway db`
/// runs, reading the migrations of the release being deployed, tied to the deployment by id.
package struct DatabasePipelineMigrator: DatabaseMigrating {
    let config: ProjectConfig
    let logger: Logger

    package init(config: ProjectConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    package func backUpAndMigrate(database: String, releaseDirectory: String, deployment: String,
                          log: @escaping @Sendable (String) -> Void,
                          backedUp: @escaping @Sendable (String) async -> Bool) async throws -> [String] {
        let (migrator, settings) = try self.migrator(database, releaseDirectory: releaseDirectory, log: log)
        // One run of the migrator that `slipway db migrate` runs: validation, the verified backup and the
        // migrations under one hold of the lock. backup_timeout spans the lock wait, validation, the dump
        // and its proof; migrate_timeout starts when the backup stage ends.
        let result = try await migrator.migrate(
            MigrateOptions(backup: true, deploymentID: deployment, timeout: settings.migrateTimeout,
                           backupTimeout: settings.backupTimeout),
            beforeApplying: { manifest in
                guard let manifest else {
                    throw SlipwayError(.internalError, "\(database): the migrator took no backup before the pending migrations")
                }
                return await backedUp(manifest.name)
            })
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
            case .planned(_, let version, let pending):
                log(pending.isEmpty ? "\(database): schema at version \(version ?? "-"), no migration pending: no backup needed"
                    : "\(database): schema at version \(version ?? "-"), \(pending.count) pending: \(pending.joined(separator: ", "))")
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
