import Foundation
import GRDB
import SlipwayModel

/// A SQLite connection inside the write transaction that is the migration lock. Each migration runs in
/// a savepoint of it (SQLite's nested transaction): a failed one is rolled back alone, those before it are
/// committed when the lock is released.
final class SQLiteMigrationSession: MigrationSession {
    let queue: DatabaseQueue
    let path: String
    let backups: SQLiteBackupTools

    init(queue: DatabaseQueue, path: String, backups: SQLiteBackupTools) {
        self.queue = queue
        self.path = path
        self.backups = backups
    }

    func history() async throws -> [AppliedMigration] {
        try await access { try SQLiteSchemaHistory.rows($0) }
    }

    func issues(_ scripts: [MigrationScript]) async throws -> [ValidationIssue] {
        SQLiteEngine.issues(scripts)
    }

    func apply(_ script: MigrationScript, installedBy: String?, deadline: StageDeadline?) async throws -> AppliedMigration {
        let installedBy = installedBy ?? SQLiteEngine.osUser
        return try await SQLiteInterruption.run(queue, at: deadline) {
            try await access { db in
                var row: AppliedMigration?
                try db.inSavepoint {
                    try SQLiteSchemaHistory.create(db)
                    let started = ContinuousClock.now
                    _ = try Self.run(script, in: db, deadline: deadline)
                    row = try Self.record(script, in: db, installedBy: installedBy, since: started)
                    return .commit
                }
                return row!
            }
        }
    }

    func dryRun(_ scripts: [MigrationScript], installedBy: String?, deadline: StageDeadline?) async throws -> [DryRunStep] {
        let installedBy = installedBy ?? SQLiteEngine.osUser
        return try await SQLiteInterruption.run(queue, at: deadline) {
            try await access { db in
                var steps: [DryRunStep] = []
                try db.execute(sql: "SAVEPOINT slipway_dry_run")
                do {
                    try SQLiteSchemaHistory.create(db)
                    for script in scripts {
                        let started = ContinuousClock.now
                        let count = try Self.run(script, in: db, deadline: deadline)
                        _ = try Self.record(script, in: db, installedBy: installedBy, since: started)
                        steps.append(DryRunStep(script: script, statements: count, executed: true))
                    }
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TO slipway_dry_run; RELEASE slipway_dry_run") }
                    throw error
                }
                try db.execute(sql: "ROLLBACK TO slipway_dry_run; RELEASE slipway_dry_run")
                return steps
            }
        }
    }

    func runSurvives() async -> Bool {
        (try? await access { $0.isInsideTransaction }) ?? false
    }

    func baseline(version: MigrationVersion, description: String, installedBy: String?) async throws -> AppliedMigration {
        let installedBy = installedBy ?? SQLiteEngine.osUser
        return try await access { db in
            var row: AppliedMigration?
            try db.inSavepoint {
                try SQLiteSchemaHistory.create(db)
                if let count = try SQLiteSchemaHistory.count(db), count > 0 {
                    throw SlipwayError(.baselineRefused,
                        "slipway_schema_history already holds \(count) rows; baseline is for a database that has a schema but no history")
                }
                row = try SQLiteSchemaHistory.insert(db, version: version.description, description: description,
                    type: AppliedMigration.baselineType, script: description, checksum: nil, installedBy: installedBy,
                    executionTime: 0, success: true)
                return .commit
            }
            return row!
        }
    }

    func repair(deleteFailed: [AppliedMigration], realign: [(row: AppliedMigration, script: MigrationScript)]) async throws {
        let deletions = deleteFailed.map(\.installedRank)
        let updates = realign.map { ($0.row.installedRank, $0.script.checksum, SchemaHistoryTable.fit($0.script.description, 200)) }
        try await access { db in
            try db.inSavepoint {
                for rank in deletions {
                    try db.execute(sql: "DELETE FROM slipway_schema_history WHERE installed_rank = ?", arguments: [rank])
                }
                for (rank, checksum, description) in updates {
                    try db.execute(sql: "UPDATE slipway_schema_history SET checksum = ?, description = ? WHERE installed_rank = ?",
                                   arguments: [checksum, description, rank])
                }
                return .commit
            }
        }
    }

    func writeBackup(to file: String, deadline: StageDeadline?) async throws -> BackupSnapshot {
        let raw = file + ".raw"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let (history, count, version) = try await access { db in
            (try SQLiteSchemaHistory.rows(db), try SQLiteSchemaHistory.count(db),
             try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "unknown")
        }
        // A second connection reads the committed state, which no one can change while we hold the lock and
        // have written nothing yet: the copy matches the history just read.
        let path = self.path
        try await BlockingWork.run("slipway-sqlite-backup") {
            do {
                let source = try SQLiteEngine.open(path, readonly: true)
                defer { try? source.close() }
                let destination = try DatabaseQueue(path: raw)
                defer { try? destination.close() }
                // In steps, so the copy can stop at the deadline: a throwing progress callback aborts it.
                try source.backup(to: destination, pagesPerStep: 1024) { progress in
                    if !progress.isCompleted { try deadline.check("the backup") }
                }
            } catch let error as DatabaseError {
                throw SlipwayError(.backupFailed, "SQLite backup of \(path) failed: \(error.message ?? "\(error.resultCode)")")
            }
        }
        var tools = try await backups.compress(raw, to: file, deadline: deadline)
        tools["sqlite"] = version
        return BackupSnapshot(tools: tools, historyRows: count, historyTable: SchemaHistoryTable.name, history: history)
    }

    // MARK: - Statements

    /// Runs the file statement by statement through SQLite's own parser (each statement is compiled after
    /// the one before ran, so it sees the tables that one created). Returns how many ran.
    static func run(_ script: MigrationScript, in db: Database, deadline: StageDeadline?) throws -> Int {
        let statements = try db.allStatements(sql: script.sql)
        var count = 0
        while true {
            let statement: Statement?
            do {
                statement = try statements.next()
            } catch let error as DatabaseError {
                throw failure(script, sql: error.sql ?? "", error, deadline: deadline, in: db)
            }
            guard let statement else { return count }
            if let deadline, deadline.hasPassed {
                throw deadline.exceeded("the migrations", " before `\(SQLStatement(text: statement.sql, line: 0).excerpt)` could start; \(script.script) was rolled back",
                                        context: ErrorContext(file: script.path, line: lineOf(statement.sql, in: script.sql)))
            }
            if TransactionRules.isTransactionControl(statement.sql) {
                throw SlipwayError(.validationFailed,
                    "\(script.script): `\(SQLStatement(text: statement.sql, line: 0).excerpt)`: Slipway runs each migration in its own transaction; remove transaction control from the file")
            }
            do {
                try statement.execute()
            } catch let error as DatabaseError {
                throw failure(script, sql: statement.sql, error, deadline: deadline, in: db)
            }
            count += 1
        }
    }

    private static func record(_ script: MigrationScript, in db: Database, installedBy: String,
                               since started: ContinuousClock.Instant) throws -> AppliedMigration {
        try SQLiteSchemaHistory.insert(db, version: script.version?.description, description: script.description,
            type: AppliedMigration.sqlType, script: script.script, checksum: script.checksum, installedBy: installedBy,
            executionTime: Int((ContinuousClock.now - started).milliseconds), success: true)
    }

    private static func failure(_ script: MigrationScript, sql: String, _ error: DatabaseError, deadline: StageDeadline?,
                                in db: Database) -> SlipwayError {
        let line = lineOf(sql, in: script.sql)
        let statement = SQLStatement(text: sql.trimmingCharacters(in: .whitespacesAndNewlines), line: line)
        // Interrupted at the deadline (SQLiteInterruption): the statement did not complete, and what it and the
        // migration did is rolled back. A statement that writes takes the whole run's transaction with it.
        if error.isInterruptionError, let deadline, deadline.hasPassed {
            let undone = db.isInsideTransaction ? "\(script.script) was rolled back"
                : "\(script.script) was rolled back, and with it SQLite rolled back the whole run's transaction"
            return deadline.exceeded("the migrations", ": `\(statement.excerpt)` was interrupted and \(undone)",
                                     context: ErrorContext(file: script.path, line: line))
        }
        return SlipwayError(.migrationFailed,
            "`\(statement.excerpt)` failed: \(error.message ?? "error") (\(error.resultCode))",
            context: ErrorContext(file: script.path, line: line))
    }

    private static func lineOf(_ sql: String, in text: String) -> Int {
        let needle = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !needle.isEmpty, let range = text.range(of: needle) else { return 1 }
        return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// Runs on GRDB's serial queue, off the cooperative pool, inside the open write transaction.
    private func access<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await queue.writeWithoutTransaction(body)
    }
}
