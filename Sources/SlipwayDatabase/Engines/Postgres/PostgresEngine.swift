import Foundation
import Logging
import PostgresNIO
import SlipwayModel

/// Migrations and backups of a PostgreSQL database.
struct PostgresEngine: DatabaseEngine {
    let endpoint: PostgresEndpoint
    /// `SET lock_timeout` for the migration session, so a migration waiting on a busy table fails instead of
    /// queueing every query behind it.
    let lockTimeout: Duration
    let connector: PostgresConnector
    /// Where pg_dump and pg_restore are found.
    let locator: ToolLocator

    init(endpoint: PostgresEndpoint, lockTimeout: Duration, applicationName: String, logger: Logger,
         locator: ToolLocator = ToolLocator()) {
        self.endpoint = endpoint
        self.lockTimeout = lockTimeout
        self.connector = PostgresConnector(endpoint: endpoint, applicationName: applicationName, logger: logger)
        self.locator = locator
    }

    var location: DatabaseLocation { .postgres(endpoint) }
    var backupFormat: BackupFormat { .pgDumpCustom }
    private var logger: Logger { connector.logger }
    private var tools: PostgresBackupTools { PostgresBackupTools(connector: connector, locator: locator) }

    func inspect(_ scripts: [MigrationScript]) async throws -> (history: [AppliedMigration], issues: [ValidationIssue]) {
        try await connector.withConnection { connection in
            let session = try await makeSession(connection)
            return (try await session.history(), try await session.issues(scripts))
        }
    }

    func withMigrationLock<T: Sendable>(wait: Duration, onWait: @escaping @Sendable (String) -> Void,
                                        _ body: (any MigrationSession) async throws -> T) async throws -> T {
        try await connector.withConnection { connection in
            let session = try await makeSession(connection)
            try await connection.query(PostgresQuery(unsafeSQL:
                "SET lock_timeout = \(Int((lockTimeout).milliseconds))"), logger: logger)
            let lock = PostgresAdvisoryLock(connection: connection, logger: logger,
                                            key: PostgresAdvisoryLock.key(database: endpoint.database, schema: session.schema))
            try await lock.acquire(wait: wait, database: endpoint.database, onWait: onWait)
            do {
                let value = try await body(session)
                try? await lock.release()
                return value
            } catch {
                try? await lock.release()
                throw error
            }
        }
    }

    func verifyBackup(file: String, manifest: BackupManifest, deadline: StageDeadline?) async throws -> String {
        let serverVersion = try await tools.serverVersion()
        let scratch = "slipway_verify_\(Self.randomSuffix())"
        try await tools.restore(file, intoNewDatabase: scratch, like: nil, serverVersion: serverVersion, deadline: deadline)
        do {
            try deadline.check("the backup")
            let summary = try await checkHistory(in: scratch, manifest: manifest, what: "scratch database \(scratch)")
            await tools.dropDatabase(scratch, serverVersion: serverVersion)
            return summary
        } catch {
            await tools.dropDatabase(scratch, serverVersion: serverVersion)
            throw error
        }
    }

    /// Restores into a new database, proves it, gives it the live one's owner, privileges and settings, then
    /// swaps names with the live one in one transaction; the live one is kept as `<name>_<suffix>` rather than
    /// dropped, so nothing written since the backup is lost.
    func restoreBackup(file: String, manifest: BackupManifest, replacedSuffix: String) async throws -> RestoreOutcome {
        let tools = self.tools
        let serverVersion = try await tools.serverVersion()
        let target = endpoint.database
        let fresh = "slipway_restore_\(Self.randomSuffix())"
        let exists = try await databaseExists(target)
        try await tools.restore(file, intoNewDatabase: fresh, like: exists ? target : nil, serverVersion: serverVersion)
        do {
            _ = try await checkHistory(in: fresh, manifest: manifest, what: "new database \(fresh)")
        } catch {
            await tools.dropDatabase(fresh, serverVersion: serverVersion)
            throw error
        }
        let replaced = exists ? Self.fitIdentifier(target, suffix: "_" + replacedSuffix) : nil
        do {
            if exists { try await tools.copyDatabaseProperties(from: target, to: fresh) }
            try await swap(target: target, fresh: fresh, replaced: replaced)
        } catch {
            await tools.dropDatabase(fresh, serverVersion: serverVersion)
            throw error
        }
        let verification: String
        do {
            verification = try await checkHistory(in: target, manifest: manifest, what: "restored database \(target)")
        } catch let error as SlipwayError {
            throw SlipwayError(.restoreFailed, "restored \(target) but it does not check out: \(error.message)")
        }
        return RestoreOutcome(replacedKeptAs: replaced, historyRows: manifest.historyRows, verification: verification)
    }

    // MARK: - Pieces

    private func makeSession(_ connection: PostgresConnection) async throws -> PostgresMigrationSession {
        let rows = try await connection.query(
            "SELECT current_setting('server_version_num')::int, COALESCE(current_schema(), '')", logger: logger)
        var version = 0
        var schema = ""
        for try await (number, name) in rows.decode((Int, String).self) {
            version = number
            schema = name
        }
        guard !schema.isEmpty else {
            throw SlipwayError(.databaseFailed,
                "\(endpoint.redacted) has no current schema (search_path names no existing schema); create one or set search_path")
        }
        return PostgresMigrationSession(connection: connection, logger: logger, serverVersion: version, schema: schema,
                                        backups: tools)
    }

    private func checkHistory(in database: String, manifest: BackupManifest, what: String) async throws -> String {
        let rows: Int?
        do {
            rows = try await tools.historyRows(in: database, table: manifest.historyTable)
        } catch let error as SlipwayError {
            throw SlipwayError(.backupVerifyFailed, "cannot read the history in \(what): \(error.message)")
        }
        guard rows == manifest.historyRows else {
            throw SlipwayError(.backupVerifyFailed,
                "\(what) holds \(rows.map { "\($0)" } ?? "no") history rows, the backup recorded \(manifest.historyRows.map { "\($0)" } ?? "none")")
        }
        return "pg_restore into \(what) succeeded; \(rows.map { "\($0) history rows" } ?? "no history table"), as recorded"
    }

    private func databaseExists(_ name: String) async throws -> Bool {
        try await tools.withAdminConnection { connection in
            let rows = try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
    }

    /// Ends other sessions on both databases, then renames in one transaction; retried because a client may
    /// reconnect between the two.
    private func swap(target: String, fresh: String, replaced: String?) async throws {
        let logger = self.logger
        try await tools.withAdminConnection { connection in
            var lastError: (any Error)?
            for _ in 0..<5 {
                do {
                    try await connection.query("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname IN (\(target), \(fresh)) AND pid <> pg_backend_pid()
                        """, logger: logger)
                    try await connection.query("BEGIN", logger: logger)
                    if let replaced {
                        try await connection.query(PostgresQuery(unsafeSQL:
                            "ALTER DATABASE \(PostgresBackupTools.identifier(target)) RENAME TO \(PostgresBackupTools.identifier(replaced))"),
                            logger: logger)
                    }
                    try await connection.query(PostgresQuery(unsafeSQL:
                        "ALTER DATABASE \(PostgresBackupTools.identifier(fresh)) RENAME TO \(PostgresBackupTools.identifier(target))"),
                        logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                    return
                } catch {
                    lastError = error
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            throw SlipwayError(.databaseFailed,
                "cannot swap \(target) for the restored copy (the live database is unchanged): \(PostgresErrorText.describe(lastError ?? SlipwayError(.internalError, "unknown")))")
        }
    }

    static func randomSuffix() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// PostgreSQL cuts identifiers at 63 bytes; cut the name, not the suffix that says what it is.
    static func fitIdentifier(_ name: String, suffix: String) -> String {
        var head = name
        while head.utf8.count + suffix.utf8.count > 63 { head.removeLast() }
        return head + suffix
    }
}
