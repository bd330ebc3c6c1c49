import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up now (pg_dump custom format, or SQLite's online backup gzipped), prove it, rotate.",
            discussion: "Exit 3 when the backup or its verification fails.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (default: every one).") var database: String?
        @Option(help: "Deployment id to name the backup after.") var deployment: String?
        @Option(help: "How long to wait for another migrator's lock (30s, 5m, 1h).") var lockWait = DurationArgument(.seconds(300))

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                var results: [BackupResult] = []
                for config in workspace.databases {
                    context.database = config.name
                    let result = try await workspace.backups(config, events: DatabaseEventPrinter())
                        .backup(deploymentID: deployment, lockWait: lockWait.duration, deadline: .backup(config))
                    results.append(result)
                    guard !global.json else { continue }
                    let manifest = result.manifest
                    print("\(config.name): \(manifest.name) (\(DatabaseFormat.size(manifest.sizeBytes)), schema version "
                        + "\(DatabaseFormat.version(manifest.schemaVersion)))\(manifest.verified ? ", verified" : ", not verified (backup.verify is off)")")
                }
                if global.json { try Terminal.printJSON(results) }
                return .success
            }
        }
    }
}
