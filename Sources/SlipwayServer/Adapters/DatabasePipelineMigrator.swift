import Logging
import SlipwayCore
import SlipwayDatabase
import SlipwayModel

/// The pipeline's migrate stage on `SlipwayDatabase`: the same migrator `slipway db migrate` runs,
/// with a verified backup first, tied to the deployment by id.
struct DatabasePipelineMigrator: DatabaseMigrating {
    let config: ProjectConfig
    let logger: Logger

    func migrate(database: String, deployment: String, log: @escaping @Sendable (String) -> Void) async throws -> MigrationOutcome {
        guard let settings = config.database(named: database) else {
            throw SlipwayError(.configInvalid, "no database named \(database) in \(config.file)")
        }
        let migrator = try DatabaseMigrator(config: settings, baseDirectory: config.rootDirectory, logger: logger) { event in
            switch event {
            case .waitingForLock(_, let message): log(message)
            case .backupStarted(let name): log("backing up \(name)")
            case .backupWritten(let manifest): log("backup \(manifest.name) written")
            case .backupVerified(let manifest): log("backup \(manifest.name) verified by a restore into a scratch database")
            case .backupsRotated(_, let deleted): if !deleted.isEmpty { log("rotated out \(deleted.joined(separator: ", "))") }
            case .migrationStarted(_, let script): log("applying \(script)")
            case .migrationApplied(_, let row): log("applied \(row.script) in \(row.executionTime) ms")
            case .restoreStarted: break
            }
        }
        let result = try await migrator.migrate(MigrateOptions(deploymentID: deployment))
        return MigrationOutcome(backup: result.backup?.name, applied: result.applied.map(\.script))
    }
}
