import Foundation

/// How `migrate` runs.
package struct MigrateOptions: Sendable, Equatable {
    /// Run the pending migrations in a transaction that is rolled back; nothing changes, no backup.
    package var dryRun: Bool
    /// Take (and, per config, verify) a backup before running pending migrations.
    package var backup: Bool
    /// Names the backup and ties it to a deployment's record.
    package var deploymentID: String?
    /// How long to wait for another migrator's lock before `lockTimeout`.
    package var lockWait: Duration
    /// `installed_by` in the history; nil: the database user (PostgreSQL) or the OS user (SQLite).
    package var installedBy: String?
    /// `migrate_timeout`: how long the run may take, from its start (or, when it takes a backup, from the end
    /// of the backup) to its last migration; nil: no limit. A statement still running then is cancelled and
    /// its migration rolled back (`migrationTimeout`).
    package var timeout: Duration?
    /// `backup_timeout`: how long the backup taken first may take, lock wait and validation included;
    /// nil: no limit.
    package var backupTimeout: Duration?

    package init(dryRun: Bool = false, backup: Bool = true, deploymentID: String? = nil,
                 lockWait: Duration = .seconds(300), installedBy: String? = nil,
                 timeout: Duration? = nil, backupTimeout: Duration? = nil) {
        self.dryRun = dryRun
        self.backup = backup
        self.deploymentID = deploymentID
        self.lockWait = lockWait
        self.installedBy = installedBy
        self.timeout = timeout
        self.backupTimeout = backupTimeout
    }
}

/// What `migrate` did.
package struct MigrateResult: Sendable, Equatable, Codable {
    package var database: String
    /// The database URL without its password.
    package var url: String
    package var dryRun: Bool
    /// The highest applied version before this run.
    package var previousVersion: String?
    /// The highest applied version after it (unchanged by a dry run).
    package var schemaVersion: String?
    /// The history rows this run wrote, in order.
    package var applied: [AppliedMigration] = []
    /// A dry run's migrations, in the order a real run would take them.
    package var dryRunSteps: [DryRunStep] = []
    /// The backup taken before the run; nil when nothing was pending, on a dry run, or with backups off.
    package var backup: BackupManifest?
    /// Backups rotation deleted after this run's backup.
    package var rotated: [String] = []

    package init(database: String, url: String, dryRun: Bool, previousVersion: String?) {
        self.database = database
        self.url = url
        self.dryRun = dryRun
        self.previousVersion = previousVersion
    }
}

/// What `info` and `validate` report.
package struct MigrationReport: Sendable, Equatable, Codable {
    package var database: String
    package var url: String
    package var schemaVersion: String?
    package var migrations: [MigrationInfo]
    /// Scripts `migrate` would run, in order.
    package var pending: [String]
    package var issues: [ValidationIssue]
    /// No issues: `migrate` would run.
    package var valid: Bool

    package init(database: String, url: String, schemaVersion: String?, migrations: [MigrationInfo], pending: [String],
                 issues: [ValidationIssue]) {
        self.database = database
        self.url = url
        self.schemaVersion = schemaVersion
        self.migrations = migrations
        self.pending = pending
        self.issues = issues
        self.valid = issues.isEmpty
    }
}

/// What `repair` changed.
package struct RepairResult: Sendable, Equatable, Codable {
    package var database: String
    /// Scripts whose failed rows were deleted.
    package var deleted: [String]
    /// Scripts whose checksum and description were realigned with the file.
    package var realigned: [String]
}
