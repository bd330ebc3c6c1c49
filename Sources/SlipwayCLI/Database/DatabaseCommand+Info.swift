import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every migration and its state: applied, pending, failed, changed, missing, out of order.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (default: every one).") var database: String?

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                var reports: [MigrationReport] = []
                for config in workspace.databases {
                    context.database = config.name
                    reports.append(try await workspace.migrator(config, events: DatabaseEventPrinter()).info())
                }
                if global.json {
                    try Terminal.printJSON(reports)
                } else {
                    print(reports.map(Self.render).joined(separator: "\n\n"))
                }
                return .success
            }
        }

        static func render(_ report: MigrationReport) -> String {
            let header = "\(report.database) (\(report.url)): schema version \(DatabaseFormat.version(report.schemaVersion)), "
                + "\(report.pending.count) pending"
            guard !report.migrations.isEmpty else { return header + "\n(no migrations)" }
            let rows = report.migrations.map { info in
                [info.version ?? "", info.description, info.category.rawValue, DatabaseFormat.state(info.state),
                 DatabaseFormat.time(info.installedOn), info.checksum.map(String.init) ?? "-"]
            }
            var text = header + "\n" + Terminal.table(["VERSION", "DESCRIPTION", "TYPE", "STATE", "INSTALLED ON", "CHECKSUM"], rows)
            if !report.issues.isEmpty {
                text += "\n" + report.issues.map { "✘ \(TerminalText.lines($0.message))" }.joined(separator: "\n")
            }
            return text
        }
    }
}
