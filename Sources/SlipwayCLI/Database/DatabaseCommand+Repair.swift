import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete failed migrations' history rows and realign checksums with the files, as Flyway's repair.",
            discussion: """
                A migration that ran outside a transaction (CREATE INDEX CONCURRENTLY, ...) and failed is recorded \
                as failed and blocks migrate: undo what it did, then run repair, then migrate again.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (required when there are several).") var database: String?
        @Option(help: "How long to wait for another migrator's lock (30s, 5m, 1h).") var lockWait = DurationArgument(.seconds(300))

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database, single: true)
                let config = workspace.databases[0]
                context.database = config.name
                let result = try await workspace.migrator(config, events: DatabaseEventPrinter()).repair(lockWait: lockWait.duration)
                if global.json {
                    try Terminal.printJSON(result)
                } else if result.deleted.isEmpty && result.realigned.isEmpty {
                    print("\(config.name): nothing to repair")
                } else {
                    for script in result.deleted { print("\(config.name): deleted the failed row of \(script)") }
                    for script in result.realigned { print("\(config.name): realigned \(script) with its file") }
                }
                return .success
            }
        }
    }
}
