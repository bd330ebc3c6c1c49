import Foundation
import GRDB
import SlipwayModel

/// Migrations and backups of a SQLite database file.
struct SQLiteEngine: DatabaseEngine {
    let path: String
    /// How long a migration statement waits on a busy database once the lock is held (readers finishing
    /// before the commit, in rollback-journal mode): the config's `lock_timeout`.
    var busyTimeout: Duration = .seconds(5)
    /// Where gzip is found.
    var locator = ToolLocator()

    var location: DatabaseLocation { .sqlite(path: path) }
    var backupFormat: BackupFormat { .sqliteGzip }
    private var tools: SQLiteBackupTools { SQLiteBackupTools(locator: locator) }

    /// `installed_by` for SQLite, which has no users: the OS user running slipway.
    static var osUser: String { ProcessInfo.processInfo.environment["USER"] ?? NSUserName() }

    func inspect(_ scripts: [MigrationScript]) async throws -> (history: [AppliedMigration], issues: [ValidationIssue]) {
        let issues = Self.issues(scripts)
        // Reading must not create the file: a database that does not exist yet has an empty history.
        guard FileManager.default.fileExists(atPath: path) else { return ([], issues) }
        let queue = try Self.open(path, readonly: true)
        defer { try? queue.close() }
        let history = try await Self.mapErrors(path) { try await queue.read { try SQLiteSchemaHistory.rows($0) } }
        return (history, issues)
    }

    func withMigrationLock<T: Sendable>(wait: Duration, onWait: @escaping @Sendable (String) -> Void,
                                        _ body: (any MigrationSession) async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let path = self.path
        let busy = SQLiteBusyPolicy(lockWait: wait, busyTimeout: busyTimeout)
        var configuration = Self.configuration(readonly: false)
        // The lock is a write transaction (BEGIN IMMEDIATE) spanning several accesses to the queue: it keeps
        // every other writer out, another migrator included, while readers still see the committed state.
        // Not BEGIN EXCLUSIVE: the backup taken under the lock reads through a second connection (SQLite
        // refuses to back up from a connection holding a write transaction), and EXCLUSIVE would shut it out.
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .callback { tries in
            busy.shouldRetry(tries: tries) {
                onWait("waiting up to \(DurationText.format(wait)) for the migration lock on \(path): another connection is writing to it")
            }
        }
        let timeout = SlipwayError(.lockTimeout,
            "gave up after \(DurationText.format(wait)) waiting for the migration lock on \(path): another connection kept it locked")
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where Self.isBusy(error) {
            throw timeout
        } catch {
            throw Self.mapped(error, path)
        }
        defer { try? queue.close() }
        do {
            try await queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE TRANSACTION") }
            busy.lockAcquired()
        } catch let error as DatabaseError where Self.isBusy(error) {
            throw timeout
        } catch {
            throw Self.mapped(error, path)
        }
        let session = SQLiteMigrationSession(queue: queue, path: path, backups: tools)
        let value: T
        do {
            value = try await body(session)
        } catch {
            // What ran before the failure is complete (each migration was a savepoint): keep it.
            try? await Self.commit(queue)
            throw Self.mapped(error, path)
        }
        try await Self.mapErrors(path) { try await Self.commit(queue) }
        return value
    }

    func verifyBackup(file: String, manifest: BackupManifest, deadline: StageDeadline?) async throws -> String {
        let unpacked = try await tools.unpackAndCheck(file, manifest: manifest, deadline: deadline)
        defer { unpacked.remove() }
        return unpacked.summary
    }

    /// Copies the proved backup into the live file with SQLite's backup API, so connections that other
    /// processes hold see the restored content; the replaced content is first copied to `<file>.<suffix>`.
    func restoreBackup(file: String, manifest: BackupManifest, replacedSuffix: String) async throws -> RestoreOutcome {
        let unpacked = try await tools.unpackAndCheck(file, manifest: manifest)
        defer { unpacked.remove() }
        let target = path
        var kept: String?
        if FileManager.default.fileExists(atPath: target) {
            kept = target + "." + replacedSuffix
        }
        let keptPath = kept
        let database = unpacked.database
        try await BlockingWork.run("slipway-sqlite-restore") {
            let live = try Self.mapErrors(target) { try Self.open(target, readonly: false) }
            defer { try? live.close() }
            if let keptPath {
                try Self.mapErrors(target) {
                    let copy = try DatabaseQueue(path: keptPath)
                    try live.backup(to: copy)
                    try copy.close()
                }
            }
            try Self.mapRestore(target) {
                let source = try Self.open(database, readonly: true)
                defer { try? source.close() }
                try source.backup(to: live)
            }
        }
        let check = try await tools.check(target, manifest: manifest, what: "restored database \(target)")
        return RestoreOutcome(replacedKeptAs: kept, historyRows: manifest.historyRows, verification: check)
    }

    /// Transaction control breaks the savepoint each migration runs in; SQLite's parser cannot split a file
    /// without a schema, so ours finds the statements (trigger bodies included) before anything runs.
    static func issues(_ scripts: [MigrationScript]) -> [ValidationIssue] {
        scripts.compactMap { script in
            let statements: [SQLStatement]
            do {
                statements = try SQLScriptSplitter.split(script.sql)
            } catch let error as SQLScriptSplitter.SyntaxError {
                return ValidationIssue(.unparsable, script: script.script, "\(script.script):\(error.line): \(error.message)")
            } catch {
                return ValidationIssue(.unparsable, script: script.script, "\(script.script): \(error)")
            }
            guard let control = statements.first(where: { TransactionRules.isTransactionControl($0.text) }) else { return nil }
            return ValidationIssue(.transactionControl, script: script.script,
                "\(script.script):\(control.line): `\(control.excerpt)`: Slipway runs each migration in its own transaction; remove transaction control from the file")
        }
    }

    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        // SQLite's own default, and Flyway's: a table rebuild in a migration must not cascade deletes.
        configuration.foreignKeysEnabled = false
        configuration.busyMode = .timeout(10)
        return configuration
    }

    static func open(_ path: String, readonly: Bool) throws -> DatabaseQueue {
        try DatabaseQueue(path: path, configuration: configuration(readonly: readonly))
    }

    private static func isBusy(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    private static func commit(_ queue: DatabaseQueue) async throws {
        try await queue.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.execute(sql: "COMMIT") }
        }
    }

    private static func mapped(_ error: any Error, _ path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        return SlipwayError(.databaseFailed, "sqlite:\(path): \(error.message ?? "\(error.resultCode)")")
    }

    static func mapErrors<T>(_ path: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw mapped(error, path) }
    }

    static func mapErrors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw mapped(error, path) }
    }

    private static func mapRestore(_ path: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError {
            throw SlipwayError(.restoreFailed, "restoring into sqlite:\(path) failed: \(error.message ?? "\(error.resultCode)")")
        }
    }
}
