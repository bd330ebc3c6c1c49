/// An error with a stable code, a human message and the context it happened in.
///
/// Callers match on `code`, never on `message` (kamal-proxy's `errors.go` matches strings; we don't).
package struct SlipwayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every code a Slipway error can carry: a closed set, so a new one is a compile error wherever
    /// codes are mapped (`ExitStatus.forError`). The raw values are the API's stable `code` field.
    package enum Code: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        // Configuration and requests.
        case configInvalid = "config_invalid"
        case configNotFound = "config_not_found"
        case unknownService = "unknown_service"
        case unknownRelease = "unknown_release"
        case unknownDeployment = "unknown_deployment"
        case badRequest = "bad_request"
        case deploymentInProgress = "deployment_in_progress"
        case nothingToRollBack = "nothing_to_roll_back"
        /// The environment is frozen (`slipway freeze`): no deploy or promotion until `unfreeze`.
        case frozen
        /// The ref or release is not one the environment accepts (its tag policy, `promote_from`).
        case policyRefused = "policy_refused"
        /// A manual rollback past the deployment's rollback window, without an admin's override.
        case rollbackWindowClosed = "rollback_window_closed"
        /// An approval or rejection that does not count: the requester's own, a second one by the
        /// same actor, an actor outside the environment's approvers, a deployment not pending.
        case approvalRefused = "approval_refused"
        /// A `slipway rollout` command that does not apply: no rollout runs, or the rollout refused
        /// it where it stands (resume when not paused, pause when finished…).
        case rolloutRefused = "rollout_refused"
        case daemonUnreachable = "daemon_unreachable"

        // Identity (the TCP API's bearer tokens, roles).
        /// No bearer token, or one the daemon does not know (never issued, revoked): HTTP 401.
        case unauthenticated
        /// The caller's role is below what the route needs: HTTP 403.
        case forbidden
        /// `token create` with a name a token already has.
        case tokenExists = "token_exists"
        /// `token revoke` of a name no token has.
        case unknownToken = "unknown_token"

        // Deployments.
        case refNotFound = "ref_not_found"
        case buildFailed = "build_failed"
        case startFailed = "start_failed"
        case unhealthy
        case rollbackFailed = "rollback_failed"
        /// No Docker engine answers at the socket (`runtime: docker`).
        case dockerUnavailable = "docker_unavailable"
        case storeFailed = "store_failed"
        case interrupted
        case internalError = "internal"

        // Databases: migrations, backups, restores (`slipway db`, the pipeline's backup and migrate).
        /// `slipway.yml` names no such database.
        case unknownDatabase = "unknown_database"
        /// The database URL does not parse or names an unsupported scheme.
        case databaseURLInvalid = "database_url_invalid"
        /// The database could not be reached or answered with an error outside a migration.
        case databaseFailed = "database_failed"
        /// Validation refused the migrations: a changed or missing applied one, out of order, duplicate, bad name.
        case validationFailed = "validation_failed"
        /// A migration's statement failed; the migration left no trace (or, outside a transaction, a failed row).
        case migrationFailed = "migration_failed"
        /// Another migrator held the lock for longer than we were willing to wait.
        case lockTimeout = "lock_timeout"
        /// The migrations ran past `migrate_timeout`: the running one was cancelled and rolled back.
        case migrationTimeout = "migration_timeout"
        /// The backup (validation, dump, proof) ran past `backup_timeout`: stopped, its partial files removed.
        case backupTimeout = "backup_timeout"
        /// `baseline` on a database whose history is not empty.
        case baselineRefused = "baseline_refused"
        /// Taking a backup failed (pg_dump, SQLite's backup, compression, writing the manifest).
        case backupFailed = "backup_failed"
        /// A backup failed its proof: checksum, scratch restore, integrity check or history row count.
        case backupVerifyFailed = "backup_verify_failed"
        /// No backup by that name (or none at all) for the database.
        case unknownBackup = "unknown_backup"
        /// Restoring a verified backup into the live database failed.
        case restoreFailed = "restore_failed"
        /// A destructive verb needs `--yes` (or an answer at the prompt) and got neither.
        case confirmationRequired = "confirmation_required"

        package var description: String { rawValue }
    }

    package var code: Code
    package var message: String
    package var context: ErrorContext

    package init(_ code: Code, _ message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    package var description: String {
        if let location = context.location {
            return "\(location): \(message)"
        }
        return message
    }
}

/// Where an error happened: a config position, a service, a deployment.
package struct ErrorContext: Sendable, Equatable, Codable {
    package var file: String?
    package var line: Int?
    package var column: Int?
    package var keyPath: String?
    package var service: String?
    package var deployment: String?

    package init(file: String? = nil, line: Int? = nil, column: Int? = nil, keyPath: String? = nil,
                service: String? = nil, deployment: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.service = service
        self.deployment = deployment
    }

    /// `slipway.yml:12:7: services.web.health.timeout` — the prefix of a config error.
    package var location: String? {
        guard let file else { return keyPath }
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let keyPath { text += ": \(keyPath)" }
        return text
    }
}
