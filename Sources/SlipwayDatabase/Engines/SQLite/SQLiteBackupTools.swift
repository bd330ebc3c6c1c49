import Foundation
import GRDB
import SlipwayModel

/// gzip for SQLite copies, and the scratch file that proves one: unpacked, `PRAGMA integrity_check`, and the
/// history rows counted.
struct SQLiteBackupTools: Sendable {
    var locator = ToolLocator()

    /// A backup unpacked into a scratch file, removed with its directory when done.
    struct Unpacked: Sendable {
        var directory: String
        var database: String
        var summary: String

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    func compress(_ raw: String, to file: String, deadline: StageDeadline?) async throws -> [String: String] {
        let gzip = try self.gzip()
        let output = try await Subprocess(executable: gzip, arguments: ["-c", "-n", "-6", raw], stdoutFile: file,
                                          deadline: deadline).run()
        guard output.status == 0 else {
            throw SlipwayError(.backupFailed, "gzip of the SQLite copy failed: \(output.stderrText)")
        }
        return ["gzip": try await Self.version(gzip, deadline: deadline)]
    }

    func unpackAndCheck(_ file: String, manifest: BackupManifest, deadline: StageDeadline? = nil) async throws -> Unpacked {
        let directory = NSTemporaryDirectory() + "slipway-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = directory + "/backup.db"
        do {
            let output = try await Subprocess(executable: try gzip(), arguments: ["-d", "-c", file],
                                              stdoutFile: database, deadline: deadline).run()
            guard output.status == 0 else {
                throw SlipwayError(.backupVerifyFailed, "\(file) does not unpack: gzip: \(output.stderrText)")
            }
            let summary = try await check(database, manifest: manifest, what: "scratch copy", deadline: deadline)
            return Unpacked(directory: directory, database: database, summary: summary)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// `PRAGMA integrity_check` says ok and the history holds the rows the backup recorded.
    func check(_ database: String, manifest: BackupManifest, what: String, deadline: StageDeadline? = nil) async throws -> String {
        let (problems, rows): ([String], Int?)
        do {
            let queue = try SQLiteEngine.open(database, readonly: true)
            defer { try? queue.close() }
            (problems, rows) = try await SQLiteInterruption.run(queue, at: deadline) {
                try await queue.read { db in
                    let result = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                    return (result == ["ok"] ? [] : result, try SQLiteSchemaHistory.count(db))
                }
            }
        } catch let error as DatabaseError {
            if error.isInterruptionError, let deadline, deadline.hasPassed {
                throw deadline.exceeded("the backup", ": PRAGMA integrity_check on the \(what) was interrupted")
            }
            throw SlipwayError(.backupVerifyFailed, "\(what) is not a sound SQLite database: \(error.message ?? "\(error.resultCode)")")
        }
        guard problems.isEmpty else {
            throw SlipwayError(.backupVerifyFailed,
                "\(what) fails PRAGMA integrity_check: \(problems.prefix(3).joined(separator: "; "))")
        }
        guard rows == manifest.historyRows else {
            throw SlipwayError(.backupVerifyFailed,
                "\(what) holds \(rows.map { "\($0)" } ?? "no") history rows, the backup recorded \(manifest.historyRows.map { "\($0)" } ?? "none")")
        }
        return "integrity_check ok on the \(what); \(rows.map { "\($0) history rows" } ?? "no history table"), as recorded"
    }

    func gzip() throws -> String {
        guard let gzip = locator.locate("gzip") else {
            throw SlipwayError(.backupFailed, "gzip not found on PATH (Debian: apt-get install gzip)")
        }
        return gzip
    }

    static func version(_ gzip: String, deadline: StageDeadline?) async throws -> String {
        let output = try await Subprocess(executable: gzip, arguments: ["--version"], deadline: deadline).run()
        return String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "gzip"
    }
}
