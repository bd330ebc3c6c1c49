import ArgumentParser
import Foundation
import SlipwayDatabase
import SlipwayModel

extension DatabaseCommand {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup into the live database, proving it first and checking the result.",
            discussion: """
                Without BACKUP, the newest verified backup. Asks for confirmation unless --yes. The backup is \
                checked against its sha256 and restored into a scratch database first; the live database is \
                replaced only then, and kept aside (PostgreSQL: renamed <db>_before_restore_<time>, other sessions \
                on it are ended; SQLite: copied to <file>.before_restore_<time>).
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A database of slipway.yml.") var database: String
        @Argument(help: "A backup name from `slipway db backups` (default: the newest verified).") var backup: String?
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            try await DatabaseFailure.run(json: global.json) { context in
                let workspace = try DatabaseWorkspace(global, name: database)
                let config = workspace.databases[0]
                context.database = config.name
                let backups = try workspace.backups(config, events: DatabaseEventPrinter())
                let chosen = try backups.chooseForRestore(backup)
                if !yes { try confirm(config, chosen) }
                let report = try await backups.restore(chosen.name)
                if global.json {
                    try Terminal.printJSON(report)
                } else {
                    print("\(config.name): restored from \(report.backup.name) (schema version \(DatabaseFormat.version(report.backup.schemaVersion)))")
                    if let kept = report.replacedKeptAs { print("\(config.name): the replaced database is kept as \(kept); drop it when satisfied") }
                    print("\(config.name): \(report.verification)")
                }
                return .success
            }
        }

        /// Asks on the terminal; without one (a script), --yes is the only way to say yes.
        private func confirm(_ config: DatabaseConfig, _ backup: BackupManifest) throws {
            guard isatty(STDIN_FILENO) == 1 else {
                throw SlipwayError(.confirmationRequired,
                    "restoring \(config.name) replaces its current content; pass --yes to confirm without a terminal")
            }
            FileHandle.standardError.write(Data("""
                Restore \(config.name) from \(backup.name)
                  taken \(DatabaseFormat.time(backup.createdAt)), schema version \(DatabaseFormat.version(backup.schemaVersion)), \(backup.verified ? "verified" : "NOT verified")
                Everything written to \(config.name) since then is replaced (the current content is kept aside).
                Type yes to restore: 
                """.utf8))
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                throw SlipwayError(.confirmationRequired, "restore of \(config.name) not confirmed; nothing changed")
            }
        }
    }
}
