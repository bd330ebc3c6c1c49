import Foundation
import Logging
import SlipwayModel

/// Versioned migrations of one configured database, Flyway's way: info, validate, migrate (with a
/// verified backup first), baseline and repair. What `slipway db` and a deployment's pipeline both call.
package struct DatabaseMigrator: Sendable {
    let context: DatabaseContext

    /// `baseDirectory` is the directory of `slipway.yml`: relative paths (migrations, SQLite file, backup
    /// dir) start there. `migrationsBase`, when given, is where the relative migrations path starts
    /// instead: a release's exported copy of the project, so a deployment applies the migrations of
    /// the commit it deploys, not the work tree's.
    package init(config: DatabaseConfig, baseDirectory: String, migrationsBase: String? = nil,
                 logger: Logger = Logger(label: "slipway.database"), onEvent: @escaping DatabaseEventSink = { _ in }) throws {
        context = try DatabaseContext(config: config, baseDirectory: baseDirectory, migrationsBase: migrationsBase,
                                      logger: logger, events: onEvent, applicationName: "slipway migrate \(config.name)")
    }

    init(context: DatabaseContext) {
        self.context = context
    }

    package var backups: DatabaseBackups { DatabaseBackups(context: context) }

    /// Every migration with its state, read without the lock.
    package func info() async throws -> MigrationReport {
        let resolved = try ResolvedMigrations.load(from: context.migrationsDirectory)
        let (history, engineIssues) = try await context.engine.inspect(resolved.all)
        let plan = MigrationPlan(resolved: resolved, history: history, allowOutOfOrder: context.config.outOfOrder)
        // What only the engine sees matters for files that will still run, as in `migrate`.
        let pending = Set(plan.pending.map(\.script))
        return report(plan, engineIssues: engineIssues.filter { pending.contains($0.script) })
    }

    /// `info`, and a `validationFailed` error naming every problem when there is one. Under a stage's
    /// deadline (validation is the first step of the backup stage), throws its error once it has passed.
    package func validate(deadline: StageDeadline? = nil) async throws -> MigrationReport {
        try deadline.check("validating the migrations")
        let report = try await info()
        try Self.refuse(report.issues, database: context.name)
        try deadline.check("validating the migrations")
        return report
    }

    /// Validates, backs up (when there is pending work and `options.backup`), then runs each pending
    /// migration in its own transaction, all under the migration lock. A dry run rolls everything back.
    ///
    /// `beforeApplying`, when given, is called once there is pending work, still under the lock, after
    /// the backup (with its manifest; nil without one) and before the first migration: the pipeline ends
    /// its backup stage there and starts its migrate stage, so that no other migrator can change the
    /// schema between the backup and the migrations. When it answers false nothing is applied (the
    /// result has the backup and no applied row); when it throws, nothing is applied either. It is
    /// not called when nothing is pending, nor on a dry run.
    package func migrate(_ options: MigrateOptions = MigrateOptions(),
                         beforeApplying: (@Sendable (BackupManifest?) async throws -> Bool)? = nil) async throws -> MigrateResult {
        let started = ContinuousClock.now
        let resolved = try ResolvedMigrations.load(from: context.migrationsDirectory)
        let context = self.context
        let backups = self.backups
        let taking = options.backup && !options.dryRun
        // As the pipeline's stages: the backup's deadline spans the lock wait, validation and the backup; the
        // migrations' starts when the backup is done (or, without one, when the run starts).
        let backupDeadline = options.backupTimeout.map { StageDeadline(.backupTimeout, timeout: $0, from: started) }
        var deadline = options.timeout.map { StageDeadline(.migrateTimeout, timeout: $0, from: started) }
        return try await DatabaseBackups.locked(context, wait: options.lockWait, deadline: taking ? backupDeadline : deadline) { session in
            let plan = MigrationPlan(resolved: resolved, history: try await session.history(),
                                     allowOutOfOrder: context.config.outOfOrder)
            try Self.refuse(plan.issues + (try await session.issues(plan.pending)), database: context.name)
            var result = MigrateResult(database: context.name, url: context.location.redacted, dryRun: options.dryRun,
                                       previousVersion: plan.currentVersion?.description)
            context.events(.planned(database: context.name, schemaVersion: plan.currentVersion?.description,
                                    pending: plan.pending.map(\.script)))
            result.schemaVersion = result.previousVersion
            guard !plan.pending.isEmpty else { return result }
            if options.dryRun {
                result.dryRun = true
                result.dryRunSteps = try await session.dryRun(plan.pending, installedBy: options.installedBy, deadline: deadline)
                return result
            }
            if options.backup {
                let taken = try await backups.take(session: session, reason: .migrate, deploymentID: options.deploymentID,
                                                   deadline: backupDeadline)
                result.backup = taken.manifest
                result.rotated = taken.rotated
            }
            if let beforeApplying, !(try await beforeApplying(result.backup)) { return result }
            if options.backup || beforeApplying != nil {
                // The migrations' own time starts now, not with the backup (or the caller's stage bookkeeping).
                deadline = options.timeout.map { StageDeadline(.migrateTimeout, timeout: $0) }
            }
            for script in plan.pending {
                context.events(.migrationStarted(database: context.name, script: script.script))
                let row: AppliedMigration
                do {
                    if let deadline, deadline.hasPassed {
                        throw deadline.exceeded("the migrations", " before \(script.script) could start",
                                                context: ErrorContext(file: script.path))
                    }
                    row = try await session.apply(script, installedBy: options.installedBy, deadline: deadline)
                } catch var error as SlipwayError {
                    if !result.applied.isEmpty, !(await session.runSurvives()) {
                        let undone = result.applied.map(\.script)
                        error.message += "; \(undone.joined(separator: ", ")), applied earlier in this run, \(undone.count == 1 ? "was" : "were") undone too"
                        context.events(.migrationsUndone(database: context.name, scripts: undone))
                    }
                    if let backup = result.backup {
                        error.message += " (backup \(backup.name) was taken before this run: `slipway db restore \(context.name) \(backup.name)`)"
                    }
                    throw error
                }
                result.applied.append(row)
                context.events(.migrationApplied(database: context.name, row))
            }
            let versions = result.applied.compactMap(\.parsedVersion) + [plan.currentVersion].compactMap { $0 }
            result.schemaVersion = versions.max()?.description
            return result
        }
    }

    /// Marks a database that already has a schema as being at `version`; migrations up to it never run.
    package func baseline(version: String = "1", description: String = "<< Slipway Baseline >>",
                          installedBy: String? = nil, lockWait: Duration = .seconds(300)) async throws -> AppliedMigration {
        guard let parsed = MigrationVersion(version) else {
            throw SlipwayError(.badRequest, "`\(version)` is not a version (digits separated by `.` or `_`)")
        }
        let context = self.context
        return try await context.engine.withMigrationLock(wait: lockWait, onWait: { message in
            context.events(.waitingForLock(database: context.name, message: message))
        }) { session in
            try await session.baseline(version: parsed, description: description, installedBy: installedBy)
        }
    }

    /// As Flyway's repair: deletes the rows of failed migrations (after you undid what they did) and
    /// realigns the checksums and descriptions of applied versioned migrations with their files. (A changed
    /// repeatable migration is not an error: it runs again.)
    package func repair(lockWait: Duration = .seconds(300)) async throws -> RepairResult {
        let resolved = try ResolvedMigrations.load(from: context.migrationsDirectory)
        let context = self.context
        return try await context.engine.withMigrationLock(wait: lockWait, onWait: { message in
            context.events(.waitingForLock(database: context.name, message: message))
        }) { session in
            let history = try await session.history()
            let failed = history.filter { !$0.success }
            let files = Dictionary(resolved.versioned.map { ($0.version!, $0) }, uniquingKeysWith: { first, _ in first })
            var realign: [(row: AppliedMigration, script: MigrationScript)] = []
            for row in history where row.success && !row.isBaseline && !row.isMarker {
                if let version = row.parsedVersion, let script = files[version],
                   script.checksum != row.checksum || script.description != row.description {
                    realign.append((row, script))
                }
            }
            try await session.repair(deleteFailed: failed, realign: realign)
            return RepairResult(database: context.name, deleted: failed.map(\.script),
                                realigned: realign.map(\.script.script))
        }
    }

    private func report(_ plan: MigrationPlan, engineIssues: [ValidationIssue]) -> MigrationReport {
        MigrationReport(database: context.name, url: context.location.redacted, schemaVersion: plan.currentVersion?.description,
                        migrations: plan.infos, pending: plan.pending.map(\.script), issues: plan.issues + engineIssues)
    }

    private static func refuse(_ issues: [ValidationIssue], database: String) throws {
        guard !issues.isEmpty else { return }
        let lines = issues.map { "  - \($0.message)" }.joined(separator: "\n")
        throw SlipwayError(.validationFailed, "\(database): \(issues.count) migration problem\(issues.count == 1 ? "" : "s"); nothing was run:\n\(lines)")
    }
}
