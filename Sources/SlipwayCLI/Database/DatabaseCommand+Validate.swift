import ArgumentParser
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse changed or missing applied migrations, pending ones lower than the highest applied, duplicates.",
            discussion: "Exit 1 when there is a problem; every problem names its file.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml (default: every one).") var database: String?

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                var reports: [MigrationReport] = []
                for config in workspace.databases {
                    context.database = config.name
                    let report = try await workspace.migrator(config, events: DatabaseEventPrinter()).info()
                    reports.append(report)
                    guard !global.json else { continue }
                    if report.valid {
                        print("\(report.database): valid (\(report.migrations.filter { $0.state == .applied }.count) applied, \(report.pending.count) pending)")
                    } else {
                        print("\(report.database): \(report.issues.count) problem(s)")
                        for issue in report.issues { print("  ✘ \(TerminalText.lines(issue.message))") }
                    }
                }
                if global.json { try Terminal.printJSON(reports) }
                return reports.allSatisfy(\.valid) ? .success : .checksFailed
            }
        }
    }
}
