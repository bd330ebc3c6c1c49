/// Progress of a migration or backup, for a human watching (the CLI prints these to stderr) or a
/// deployment's log. The final outcome is the return value or the thrown error, not an event.
package enum DatabaseEvent: Sendable, Equatable {
    /// Another migrator holds the lock; the message names it and how long we wait.
    case waitingForLock(database: String, message: String)
    /// Validated under the lock: the schema's version and the migrations this run will apply (empty: none).
    case planned(database: String, schemaVersion: String?, pending: [String])
    case backupStarted(database: String)
    /// Written and measured, not yet verified.
    case backupWritten(BackupManifest)
    case backupVerified(BackupManifest)
    case backupsRotated(database: String, deleted: [String])
    case migrationStarted(database: String, script: String)
    case migrationApplied(database: String, AppliedMigration)
    /// Migrations this run had applied were undone after all: SQLite rolled back the whole run's transaction
    /// when a later migration's statement was interrupted at `migrate_timeout`.
    case migrationsUndone(database: String, scripts: [String])
    case restoreStarted(database: String, backup: String)
}

/// Where events go; `{ _ in }` when nobody listens.
package typealias DatabaseEventSink = @Sendable (DatabaseEvent) -> Void
