import Foundation
import Logging
import PostgresNIO
import SlipwayModel

/// A PostgreSQL connection holding the migration lock.
final class PostgresMigrationSession: MigrationSession {
    let connection: PostgresConnection
    let logger: Logger
    let serverVersion: Int
    let schema: String
    let backups: PostgresBackupTools

    init(connection: PostgresConnection, logger: Logger, serverVersion: Int, schema: String, backups: PostgresBackupTools) {
        self.connection = connection
        self.logger = logger
        self.serverVersion = serverVersion
        self.schema = schema
        self.backups = backups
    }

    private var table: PostgresSchemaHistory { PostgresSchemaHistory(connection: connection, logger: logger) }

    func history() async throws -> [AppliedMigration] {
        try await table.rows()
    }

    func issues(_ scripts: [MigrationScript]) async throws -> [ValidationIssue] {
        scripts.compactMap { script in
            if case .failure(let issue) = PostgresMigrationSteps.analyze(script, serverVersion: serverVersion) { return issue }
            return nil
        }
    }

    func apply(_ script: MigrationScript, installedBy: String?, deadline: StageDeadline?) async throws -> AppliedMigration {
        let steps = try steps(for: script)
        try await ensureTable()
        let started = ContinuousClock.now
        guard steps.runsInTransaction else {
            // As Flyway: outside a transaction a failure cannot be undone, so it is recorded as failed.
            for statement in steps.statements {
                do {
                    try await run(statement, of: script, deadline: deadline, inTransaction: false)
                } catch {
                    _ = try? await record(script, installedBy: installedBy, since: started, success: false)
                    throw error
                }
            }
            return try await record(script, installedBy: installedBy, since: started, success: true)
        }
        try await execute("BEGIN")
        do {
            for statement in steps.statements {
                try await run(statement, of: script, deadline: deadline, inTransaction: true)
            }
            let row = try await record(script, installedBy: installedBy, since: started, success: true)
            try await execute("COMMIT")
            return row
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
    }

    func dryRun(_ scripts: [MigrationScript], installedBy: String?, deadline: StageDeadline?) async throws -> [DryRunStep] {
        var steps: [DryRunStep] = []
        try await execute("BEGIN")
        do {
            try await ensureTable()
            for script in scripts {
                let plan = try self.steps(for: script)
                guard plan.runsInTransaction else {
                    steps.append(DryRunStep(script: script, statements: plan.statements.count, executed: false))
                    continue
                }
                let started = ContinuousClock.now
                for statement in plan.statements {
                    try await run(statement, of: script, deadline: deadline, inTransaction: true)
                }
                _ = try await record(script, installedBy: installedBy, since: started, success: true)
                steps.append(DryRunStep(script: script, statements: plan.statements.count, executed: true))
            }
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
        try await execute("ROLLBACK")
        return steps
    }

    /// A failed migration's transaction is its own: the ones before it stay committed.
    func runSurvives() async -> Bool { true }

    func baseline(version: MigrationVersion, description: String, installedBy: String?) async throws -> AppliedMigration {
        try await ensureTable()
        try await execute("BEGIN")
        do {
            if let count = try await table.count(), count > 0 {
                throw SlipwayError(.baselineRefused,
                    "slipway_schema_history already holds \(count) rows; baseline is for a database that has a schema but no history")
            }
            let row = try await table.insert(version: version.description, description: description,
                type: AppliedMigration.baselineType, script: description, checksum: nil, installedBy: installedBy,
                executionTime: 0, success: true)
            try await execute("COMMIT")
            return row
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
    }

    func repair(deleteFailed: [AppliedMigration], realign: [(row: AppliedMigration, script: MigrationScript)]) async throws {
        try await execute("BEGIN")
        do {
            for row in deleteFailed {
                try await connection.query(
                    "DELETE FROM slipway_schema_history WHERE installed_rank = \(Int32(row.installedRank))", logger: logger)
            }
            for (row, script) in realign {
                let description = SchemaHistoryTable.fit(script.description, 200)
                try await connection.query("""
                    UPDATE slipway_schema_history SET checksum = \(script.checksum), description = \(description)
                    WHERE installed_rank = \(Int32(row.installedRank))
                    """, logger: logger)
            }
            try await execute("COMMIT")
        } catch {
            try? await execute("ROLLBACK")
            throw SlipwayError(.databaseFailed, "repair failed: \(PostgresErrorText.describe(error))")
        }
    }

    func writeBackup(to file: String, deadline: StageDeadline?) async throws -> BackupSnapshot {
        let history = try await table.rows()
        let count = try await table.count()
        let tools = try await backups.dump(to: file, serverVersion: serverVersion, deadline: deadline)
        return BackupSnapshot(tools: tools, historyRows: count, historyTable: "\(schema).\(SchemaHistoryTable.name)",
                              history: history)
    }

    // MARK: - Statements

    private func steps(for script: MigrationScript) throws -> PostgresMigrationSteps {
        switch PostgresMigrationSteps.analyze(script, serverVersion: serverVersion) {
        case .success(let steps): return steps
        case .failure(let issue): throw SlipwayError(.validationFailed, issue.message)
        }
    }

    private func ensureTable() async throws {
        do {
            try await table.create()
        } catch {
            throw SlipwayError(.databaseFailed, "cannot create slipway_schema_history: \(PostgresErrorText.describe(error))")
        }
    }

    /// Runs one statement. Under a deadline, PostgreSQL's `statement_timeout` is first set to the time left
    /// (`SET LOCAL` inside the migration's transaction; a session `SET`, reset afterwards, outside one), so the
    /// server cancels a statement still running at the deadline and its transaction rolls back.
    private func run(_ statement: SQLStatement, of script: MigrationScript, deadline: StageDeadline?,
                     inTransaction: Bool) async throws {
        let context = ErrorContext(file: script.path, line: statement.line)
        if let deadline {
            guard let left = deadline.millisecondsLeft else {
                throw deadline.exceeded("the migrations", " before `\(statement.excerpt)` could start; \(Self.undone(script, inTransaction))",
                                        context: context)
            }
            try await execute(inTransaction ? "SET LOCAL statement_timeout = '\(left)ms'" : "SET statement_timeout = '\(left)ms'")
        }
        do {
            // Read to the end: a statement returning rows (`SELECT pg_sleep(…)`) reports its error while they stream.
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: statement.text), logger: logger) {}
        } catch {
            if !inTransaction && deadline != nil { try? await execute("RESET statement_timeout") }
            // 57014 query_canceled: ours once the deadline has passed (the server's timer started after we
            // measured what was left); otherwise a statement_timeout of the database's own, or a cancel.
            if let deadline, PostgresErrorText.sqlState(error) == "57014", deadline.hasPassed {
                throw deadline.exceeded("the migrations", ": PostgreSQL cancelled `\(statement.excerpt)` and \(Self.undone(script, inTransaction))",
                                        context: context)
            }
            throw SlipwayError(.migrationFailed,
                "`\(statement.excerpt)` failed: \(PostgresErrorText.describe(error))",
                context: context)
        }
        if !inTransaction && deadline != nil { try await execute("RESET statement_timeout") }
    }

    private static func undone(_ script: MigrationScript, _ inTransaction: Bool) -> String {
        inTransaction ? "\(script.script) was rolled back"
            : "\(script.script), which runs outside a transaction, is recorded as failed (undo what it did, then `slipway db repair`)"
    }

    private func record(_ script: MigrationScript, installedBy: String?, since started: ContinuousClock.Instant,
                        success: Bool) async throws -> AppliedMigration {
        do {
            return try await table.insert(version: script.version?.description, description: script.description,
                type: AppliedMigration.sqlType, script: script.script, checksum: script.checksum, installedBy: installedBy,
                executionTime: Int((ContinuousClock.now - started).milliseconds), success: success)
        } catch {
            throw SlipwayError(.migrationFailed,
                "recording the migration in slipway_schema_history failed: \(PostgresErrorText.describe(error))",
                context: ErrorContext(file: script.path))
        }
    }

    private func execute(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }
}
