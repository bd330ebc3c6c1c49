import SlipwayModel

/// What migrations and backups need from one database engine; PostgreSQL and SQLite implement it.
protocol DatabaseEngine: Sendable {
    var location: DatabaseLocation { get }
    var backupFormat: BackupFormat { get }

    /// The history (empty when the table, or the SQLite file, does not exist yet) and the problems only this
    /// engine sees in the files, without taking the lock or changing anything.
    func inspect(_ scripts: [MigrationScript]) async throws -> (history: [AppliedMigration], issues: [ValidationIssue])

    /// Runs `body` holding the migration lock: PostgreSQL's advisory lock, SQLite's write transaction (BEGIN IMMEDIATE).
    /// `onWait` is told, once, who holds it when we have to wait; past `wait` it throws `lockTimeout`.
    func withMigrationLock<T: Sendable>(wait: Duration, onWait: @escaping @Sendable (String) -> Void,
                                        _ body: (any MigrationSession) async throws -> T) async throws -> T

    /// Proves a backup file by restoring it into a scratch database and counting the history rows there.
    /// Returns a one-line account of what was checked; throws `backupVerifyFailed`, or the deadline's error
    /// once the proof is stopped at it.
    func verifyBackup(file: String, manifest: BackupManifest, deadline: StageDeadline?) async throws -> String

    /// Replaces the live database with the backup's content (proved first), keeping the replaced one aside.
    func restoreBackup(file: String, manifest: BackupManifest, replacedSuffix: String) async throws -> RestoreOutcome
}

/// The database while the migration lock is held.
protocol MigrationSession {
    func history() async throws -> [AppliedMigration]
    func issues(_ scripts: [MigrationScript]) async throws -> [ValidationIssue]
    /// Runs one migration in its own transaction with its history row; throws `migrationFailed`, or
    /// `migrationTimeout` when the deadline cancelled a statement (the transaction rolled back).
    func apply(_ script: MigrationScript, installedBy: String?, deadline: StageDeadline?) async throws -> AppliedMigration
    /// Runs the scripts in one transaction and rolls it back; throws `migrationFailed` on the first failure.
    func dryRun(_ scripts: [MigrationScript], installedBy: String?, deadline: StageDeadline?) async throws -> [DryRunStep]
    /// False once a failure rolled back the whole run, not only the failed migration: SQLite undoes its
    /// outer transaction (the lock) when a statement that writes is interrupted, so the migrations this run
    /// applied before are undone too.
    func runSurvives() async -> Bool
    /// Writes the baseline row into an empty history; throws `baselineRefused` otherwise.
    func baseline(version: MigrationVersion, description: String, installedBy: String?) async throws -> AppliedMigration
    /// Deletes failed rows and realigns checksums and descriptions of applied ones with their files.
    func repair(deleteFailed: [AppliedMigration], realign: [(row: AppliedMigration, script: MigrationScript)]) async throws
    /// Writes a consistent copy of the database to `file` (the engine's backup format), stopped at the deadline.
    func writeBackup(to file: String, deadline: StageDeadline?) async throws -> BackupSnapshot
}

/// What a backup recorded about the database it copied.
struct BackupSnapshot: Sendable {
    var tools: [String: String]
    /// Rows in the history table at the time of the copy; nil when there was no table.
    var historyRows: Int?
    /// The history table as named in the copy (`public.slipway_schema_history`).
    var historyTable: String
    var history: [AppliedMigration]
}

/// One migration of a dry run.
package struct DryRunStep: Sendable, Equatable, Codable {
    package var script: String
    package var version: String?
    package var description: String
    package var checksum: Int32
    package var statements: Int
    /// False for a PostgreSQL migration that must run outside a transaction: a dry run cannot try it.
    package var executed: Bool

    package init(script: MigrationScript, statements: Int, executed: Bool) {
        self.script = script.script
        self.version = script.version?.description
        self.description = script.description
        self.checksum = script.checksum
        self.statements = statements
        self.executed = executed
    }
}

/// What a restore did.
package struct RestoreOutcome: Sendable, Equatable, Codable {
    /// Where the replaced database was kept: a PostgreSQL database name or a SQLite file path; nil when
    /// there was nothing to replace.
    package var replacedKeptAs: String?
    package var historyRows: Int?
    package var verification: String
}
