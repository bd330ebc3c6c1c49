import ArgumentParser
import Foundation
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate, back up, then apply pending migrations, each in its own transaction.",
            discussion: """
                Takes the migration lock first. When there is pending work, a backup is taken and (with \
                backup.verify, the default) proved by restoring it into a scratch database before anything runs. \
                --dry-run runs the pending migrations in a transaction that is rolled back and changes nothing.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (default: every one, in file order).") var database: String?
        @Flag(help: "Run the pending migrations in a transaction that is rolled back; print what would run.")
        var dryRun = false
        @Flag(help: "Skip the backup before migrating.") var noBackup = false
        @Option(help: "Deployment id to name the backup after.") var deployment: String?
        @Option(help: "How long to wait for another migrator's lock (30s, 5m, 1h).") var lockWait = DurationArgument(.seconds(300))

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                var results: [MigrateResult] = []
                for config in workspace.databases {
                    context.database = config.name
                    let applied = AppliedRows()
                    let printer = DatabaseEventPrinter()
                    let migrator = try DatabaseMigrator(config: config, baseDirectory: workspace.project.rootDirectory,
                                                        logger: DatabaseWorkspace.logger) { event in
                        switch event {
                        case .migrationApplied(_, let row): applied.append(row)
                        case .migrationsUndone(_, let scripts): applied.remove(scripts)
                        default: break
                        }
                        printer.sink(event)
                    }
                    do {
                        let result = try await migrator.migrate(MigrateOptions(
                            dryRun: dryRun, backup: !noBackup, deploymentID: deployment, lockWait: lockWait.duration,
                            installedBy: nil, timeout: config.migrateTimeout, backupTimeout: config.backupTimeout))
                        results.append(result)
                        if !global.json { print(Self.summary(result)) }
                    } catch {
                        context.applied = applied.rows
                        throw error
                    }
                }
                if global.json { try Terminal.printJSON(results) }
                return .success
            }
        }

        static func summary(_ result: MigrateResult) -> String {
            if result.dryRun {
                guard !result.dryRunSteps.isEmpty else { return "\(result.database): nothing pending (dry run)" }
                let rows = result.dryRunSteps.map { step in
                    [step.version.map { "V\($0)" } ?? "R", step.description, String(step.checksum), "\(step.statements)",
                     step.executed ? "ran, rolled back" : "not tried: runs outside a transaction"]
                }
                return "\(result.database): dry run, rolled back; \(result.dryRunSteps.count) migration(s) would run:\n"
                    + Terminal.table(["VERSION", "DESCRIPTION", "CHECKSUM", "STATEMENTS", "DRY RUN"], rows)
            }
            guard !result.applied.isEmpty else {
                return "\(result.database): up to date at version \(DatabaseFormat.version(result.schemaVersion))"
            }
            var line = "\(result.database): migrated from \(DatabaseFormat.version(result.previousVersion)) to "
                + "\(DatabaseFormat.version(result.schemaVersion)) (\(result.applied.count) applied)"
            if let backup = result.backup {
                line += "; backup \(backup.name)\(backup.verified ? " (verified)" : "")"
            }
            return line
        }
    }
}

/// History rows a migrate wrote, gathered from its events for the failure report.
private final class AppliedRows: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [AppliedMigration] = []

    func append(_ row: AppliedMigration) { lock.withLock { collected.append(row) } }
    func remove(_ scripts: [String]) { lock.withLock { collected.removeAll { scripts.contains($0.script) } } }
    var rows: [AppliedMigration] { lock.withLock { collected } }
}
