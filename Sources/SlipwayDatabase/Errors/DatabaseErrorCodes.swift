import SlipwayModel

/// Stable codes of the database work (migrations, backups, restores). Callers match on these, never on messages.
extension SlipwayError.Code {
    /// `slipway.yml` names no such database.
    package static let unknownDatabase = Self(rawValue: "unknown_database")
    /// The database URL does not parse or names an unsupported scheme.
    package static let databaseURLInvalid = Self(rawValue: "database_url_invalid")
    /// The database could not be reached or answered with an error outside a migration.
    package static let databaseFailed = Self(rawValue: "database_failed")
    /// Validation refused the migrations: a changed or missing applied one, out of order, duplicate, bad name.
    package static let validationFailed = Self(rawValue: "validation_failed")
    /// A migration's statement failed; the migration left no trace (or, outside a transaction, a failed row).
    package static let migrationFailed = Self(rawValue: "migration_failed")
    /// Another migrator held the lock for longer than we were willing to wait.
    package static let lockTimeout = Self(rawValue: "lock_timeout")
    /// The migrations ran past `migrate_timeout`: the running one was cancelled and rolled back.
    package static let migrationTimeout = Self(rawValue: "migration_timeout")
    /// The backup (validation, dump, proof) ran past `backup_timeout`: stopped, its partial files removed.
    package static let backupTimeout = Self(rawValue: "backup_timeout")
    /// `baseline` on a database whose history is not empty.
    package static let baselineRefused = Self(rawValue: "baseline_refused")
    /// Taking a backup failed (pg_dump, SQLite's backup, compression, writing the manifest).
    package static let backupFailed = Self(rawValue: "backup_failed")
    /// A backup failed its proof: checksum, scratch restore, integrity check or history row count.
    package static let backupVerifyFailed = Self(rawValue: "backup_verify_failed")
    /// No backup by that name (or none at all) for the database.
    package static let unknownBackup = Self(rawValue: "unknown_backup")
    /// Restoring a verified backup into the live database failed.
    package static let restoreFailed = Self(rawValue: "restore_failed")
    /// A destructive verb needs `--yes` (or an answer at the prompt) and got neither.
    package static let confirmationRequired = Self(rawValue: "confirmation_required")
}

extension ExitStatus {
    /// The documented exit status of a `slipway db` failure (docs/DATABASES.md).
    package static func forDatabaseError(_ code: SlipwayError.Code) -> ExitStatus {
        switch code {
        case .validationFailed: .checksFailed
        case .migrationFailed, .migrationTimeout, .backupFailed, .backupTimeout, .backupVerifyFailed, .databaseFailed: .deployFailed
        case .restoreFailed: .rollbackFailed
        case .unknownDatabase, .unknownBackup, .lockTimeout, .baselineRefused, .confirmationRequired: .refused
        case .databaseURLInvalid: .configInvalid
        default: forError(code)
        }
    }
}
