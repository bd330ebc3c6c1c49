import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Backups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the backups of a database, newest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (default: every one).") var database: String?

        struct Listing: Encodable {
            var database: String
            var directory: String
            var backups: [BackupManifest]
        }

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                var listings: [Listing] = []
                for config in workspace.databases {
                    context.database = config.name
                    let backups = try workspace.backups(config, events: DatabaseEventPrinter())
                    listings.append(Listing(database: config.name, directory: backups.directory, backups: try backups.list()))
                }
                if global.json {
                    try Terminal.printJSON(listings)
                } else {
                    print(listings.map(Self.render).joined(separator: "\n\n"))
                }
                return .success
            }
        }

        static func render(_ listing: Listing) -> String {
            guard !listing.backups.isEmpty else { return "\(listing.database): no backups in \(listing.directory)" }
            let rows = listing.backups.map { backup in
                [backup.name, DatabaseFormat.time(backup.createdAt), DatabaseFormat.size(backup.sizeBytes),
                 DatabaseFormat.version(backup.schemaVersion), backup.verified ? "yes" : "no", backup.reason.rawValue]
            }
            return "\(listing.database) (\(listing.directory)):\n"
                + Terminal.table(["NAME", "CREATED", "SIZE", "SCHEMA VERSION", "VERIFIED", "REASON"], rows)
        }
    }
}
