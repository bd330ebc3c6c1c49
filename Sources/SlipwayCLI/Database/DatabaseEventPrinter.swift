import Foundation
import SlipwayDatabase
import SlipwayModel

/// Prints migration and backup progress to stderr, so stdout stays the result (a table, or JSON).
struct DatabaseEventPrinter: Sendable {
    var sink: DatabaseEventSink {
        { event in
            guard let line = Self.line(for: event) else { return }
            FileHandle.standardError.write(Data((TerminalText.lines(line) + "\n").utf8))
        }
    }

    static func line(for event: DatabaseEvent) -> String? {
        switch event {
        case .waitingForLock(let database, let message):
            "\(database): \(message)"
        case .planned:
            nil  // the result (stdout) says it
        case .backupStarted(let database):
            "\(database): backing up…"
        case .backupWritten(let manifest):
            "\(manifest.database): wrote \(manifest.file) (\(DatabaseFormat.size(manifest.sizeBytes)), sha256 \(manifest.sha256.prefix(12))…)"
        case .backupVerified(let manifest):
            "\(manifest.database): verified \(manifest.name): \(manifest.verification ?? "ok")"
        case .backupsRotated(let database, let deleted):
            "\(database): rotated out \(deleted.joined(separator: ", "))"
        case .migrationStarted(let database, let script):
            "\(database): applying \(script)…"
        case .migrationApplied(let database, let row):
            "\(database): ✔ \(row.script) (\(row.executionTime) ms)"
        case .migrationsUndone(let database, let scripts):
            "\(database): ✘ undone with the run's transaction: \(scripts.joined(separator: ", "))"
        case .restoreStarted(let database, let backup):
            "\(database): restoring \(backup)…"
        }
    }
}
