import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Baseline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a database that already has a schema as being at a version; migrations up to it never run.",
            discussion: "Refused (exit 6) when the history table already holds rows.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (required when there are several).") var database: String?
        @Option(name: .customLong("version"), help: "The version the existing schema corresponds to.")
        var baselineVersion = "1"
        @Option(name: .customLong("description"), help: "The baseline row's description.")
        var baselineDescription = "<< Slipway Baseline >>"
        @Option(help: "How long to wait for another migrator's lock (30s, 5m, 1h).") var lockWait = DurationArgument(.seconds(300))

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database, single: true)
                let config = workspace.databases[0]
                context.database = config.name
                let row = try await workspace.migrator(config, events: DatabaseEventPrinter())
                    .baseline(version: baselineVersion, description: baselineDescription, lockWait: lockWait.duration)
                if global.json {
                    try Terminal.printJSON(BaselineOutput(database: config.name, baseline: row))
                } else {
                    print("\(config.name): baselined at version \(row.version ?? baselineVersion)")
                }
                return .success
            }
        }
    }

    struct BaselineOutput: Encodable {
        var database: String
        var baseline: AppliedMigration
    }
}
