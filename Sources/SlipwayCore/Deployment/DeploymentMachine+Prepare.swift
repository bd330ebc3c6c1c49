import Foundation
import SlipwayModel

/// validate (resolve and export the commit) → checks (in the exported files) → build, beside
/// backup → migrate for a service with a database → publish and record the release.
extension DeploymentMachine {
    /// The two sides of build ∥ (backup → migrate): how each has ended so far.
    struct Preparation: Sendable, Equatable {
        enum Build: Sendable, Equatable {
            case running
            case built(StagedRelease)
            case failed(String)
        }

        enum Database: Sendable, Equatable {
            case none
            case running
            case upToDate
            case applied(database: String, backup: String, scripts: [String])
            /// The build failed before the migrations started: they did not run.
            case notRun
            case failed(stage: Stage, String)
        }

        var build: Build = .running
        var database: Database = .none
        /// The verified backup the migrator took, once it has.
        var backup: String?
        /// The migrator was told not to apply the migrations (the build had failed).
        var stopped = false

        var buildHasFailed: Bool { if case .failed = build { true } else { false } }
    }

    mutating func handlePreparation(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.validating, .exported(let exported)):
            staged = exported
            let release = exported.release
            let validated: String
            if case .promote(let source, _) = plan.kind {
                validated = "release \(source.id) of \(source.key) (\(release.version), commit \(release.commit.prefix(12))) "
                    + "copied as release \(release.id), the same artifact (\(release.artifact ?? "no digest"))"
            } else {
                validated = "\(ref) is commit \(release.commit.prefix(12)), version \(release.version), exported as release \(release.id)"
            }
            var actions: [Action] = [.recordExport(release), .endStage(.validate, .succeeded, validated)]
            if service.checks.isEmpty {
                actions += beginPreparation(exported)
            } else {
                phase = .checking
                nextCheck = 0
                actions += [.beginStage(.checks), .runCheck(service.checks[0], directory: exported.directory, release: release)]
            }
            return actions
        case (.validating, .exportFailed(let reason)):
            let message = "validate failed: \(reason)"
            return [.endStage(.validate, .failed, message)]
                + failBefore(.validate, .buildFailed, message, next: "check the ref and the repository, then deploy again")

        case (.checking, .checkPassed):
            guard let staged else { return [] }
            nextCheck += 1
            if nextCheck < service.checks.count {
                return [.runCheck(service.checks[nextCheck], directory: staged.directory, release: staged.release)]
            }
            let names = service.checks.map(\.name).joined(separator: ", ")
            return [.endStage(.checks, .succeeded, "\(service.checks.count) check(s) passed: \(names)")] + beginPreparation(staged)
        case (.checking, .checkFailed(let failure)):
            // A release that failed its checks is never built, so never deployed, not even by a rollback.
            guard let staged else { return [] }
            return [.endStage(.checks, .failed, failure), .discard(staged)]
                + failBefore(.checks, .checksFailed, "checks failed, nothing deployed: \(failure)",
                             next: "see `slipway logs \(id)`, fix what the check found and deploy again")

        case (.preparing, _):
            return handleBuildAndDatabase(event)

        case (.publishing, .published(let release)):
            phase = .recordingRelease
            self.release = release
            return [.saveRelease(release)]
        case (.publishing, .publishFailed(let reason)):
            guard let built = builtRelease else { return [] }
            return [.discard(built)] + failBefore(.build, .buildFailed, "build failed: \(reason)",
                                                 next: "check the releases directory and deploy again")

        case (.recordingRelease, .releaseSaved):
            return [.recordImage(release?.image), .claimRoute]
        case (.recordingRelease, .routeClaimed(let previous)):
            // Only what runs may change meanwhile (a restart), not which release serves: the lock
            // kept rollbacks and other deploys out.
            if previous?.releaseID == plan.previous?.releaseID { plan.previous = previous }
            return beginCutover()
        case (.recordingRelease, .releaseNotSaved(let reason)):
            guard let release else { return [] }
            return [.removeRelease(release)]
                + failBefore(.build, .buildFailed, "build failed: the release could not be recorded: \(reason)",
                             next: "check the daemon's state directory and deploy again")
        default:
            return []
        }
    }

    private var ref: String {
        if case .deploy(let ref) = plan.kind { return ref }
        if case .promote(let source, _) = plan.kind { return source.ref }
        return release?.ref ?? ""
    }

    private var builtRelease: StagedRelease? {
        if case .built(let built) = preparation.build { return built }
        return nil
    }

    /// The build starts; beside it, for a service with a database, the backup → migrate stages,
    /// which read the migrations from the exported files, not from the build's output.
    private mutating func beginPreparation(_ exported: StagedRelease) -> [Action] {
        phase = .preparing
        preparation = Preparation()
        // A promotion's release was built where it came from: it is not built again.
        let promoted = plan.kind.isPromotion
        var build: [Action] = [.beginStage(.build)]
        if promoted {
            preparation.build = .built(exported)
            build.append(.endStage(.build, .skipped, "not built again: a promotion carries the artifact that was built "
                + "(\(exported.release.artifact ?? "no digest")\(exported.release.image.map { ", image \($0.prefix(19))" } ?? ""))"))
        }
        guard let database = service.database else {
            return promoted ? build + concludePreparation() : build + [.build(exported, prefixed: false)]
        }
        preparation.database = .running
        return build + (promoted ? [] : [.build(exported, prefixed: true)])
            + [.beginStage(.backup), .backUpAndMigrate(database: database, directory: exported.directory)]
    }

    private mutating func handleBuildAndDatabase(_ event: Event) -> [Action] {
        var actions: [Action]
        switch event {
        case .built(let built):
            let release = built.release
            preparation.build = .built(built)
            actions = [.endStage(.build, .succeeded, "release \(release.id) (\(release.version), \(release.commit.prefix(12))) built in "
                + String(format: "%.2fs", release.buildSeconds) + (release.image.map { ", image \($0.prefix(19))" } ?? ""))]
        case .buildCancelled:
            preparation.build = .failed("cancelled")
            actions = [.endStage(.build, .cancelled, "cancelled: a stage beside it failed; its processes were killed")]
        case .buildFailed(let reason):
            preparation.build = .failed(reason)
            actions = [.endStage(.build, .failed, "build failed: \(reason)")]
        case .migratorMissing:
            let failure = "database \(service.database ?? "") cannot be migrated: no migrator is configured"
            preparation.database = .failed(stage: .backup, failure)
            actions = [.endStage(.backup, .failed, failure), .cancelBuild]
        case .backedUp(let backup):
            preparation.backup = backup
            let database = service.database ?? ""
            actions = [.recordBackup(backup), .endStage(.backup, .succeeded, "\(database): verified backup \(backup)"),
                       .beginStage(.migrate)]
            if preparation.buildHasFailed {
                preparation.stopped = true
                actions += [.endStage(.migrate, .cancelled, "not run: the build failed, so the schema stays as it was"),
                            .continueMigrations(false)]
            } else {
                actions.append(.continueMigrations(true))
            }
        case .migrationsEnded(let applied):
            let database = service.database ?? ""
            if let backup = preparation.backup {
                if preparation.stopped {
                    preparation.database = .notRun
                    actions = []
                } else {
                    preparation.database = .applied(database: database, backup: backup, scripts: applied)
                    actions = [.recordMigrations(applied),
                               .endStage(.migrate, .succeeded, "\(database): applied \(applied.joined(separator: ", "))")]
                }
            } else {
                preparation.database = .upToDate
                actions = [.endStage(.backup, .skipped, "\(database): schema up to date, nothing to back up or migrate")]
            }
        case .databaseFailed(let reason):
            let database = service.database ?? ""
            if let backup = preparation.backup {
                let failure = "migration of \(database) failed: \(reason); the failed migration's transaction "
                    + "left the schema as it was before it (backup \(backup), taken before this run: "
                    + "`slipway db restore \(database) \(backup)`)"
                preparation.database = .failed(stage: .migrate, failure)
                actions = [.endStage(.migrate, .failed, failure), .cancelBuild]
            } else {
                let failure = "backup of \(database) failed, nothing migrated: \(reason)"
                preparation.database = .failed(stage: .backup, failure)
                actions = [.endStage(.backup, .failed, failure), .cancelBuild]
            }
        default:
            return []
        }
        return actions + concludePreparation()
    }

    /// Once both sides have ended: publish, or fail naming the side that failed (the database's
    /// failure first: it is why the build was cancelled).
    private mutating func concludePreparation() -> [Action] {
        if preparation.build == .running || preparation.database == .running { return [] }
        switch (preparation.build, preparation.database) {
        case (_, .failed(let stage, let failure)):
            let discard: [Action] = builtRelease.map { [.discard($0)] } ?? []
            return discard + failBefore(stage, .deployFailed, "deploy failed: \(failure)", next: "fix the migration and deploy again")
        case (.failed(let failure), let database):
            var message = "build failed: \(failure)"
            var next = "see `slipway logs \(id)`, fix the build and deploy again"
            if case .applied(let name, let backup, let scripts) = database {
                message += "; meanwhile \(name) was migrated (\(scripts.joined(separator: ", "))), so the previous "
                    + "release serves against the new schema; to undo the migrations: `slipway db restore \(name) \(backup)`"
                next = "migrations must keep the previous release working (expand, then contract); fix the build and deploy again"
            }
            return failBefore(.build, .buildFailed, message, next: next)
        case (.built(let built), _):
            // Published only now, when every stage before the start has passed.
            phase = .publishing
            return [.publish(built)]
        case (.running, _):
            return []
        }
    }

    /// A failure before the switch: the previous release still serves.
    mutating func failBefore(_ stage: Stage, _ exit: ExitStatus, _ message: String, next: String) -> [Action] {
        conclude(End(outcome: .failed, exit: exit, message: message + stillServes, audit: .deployFailed, event: .failed,
                     failedStage: stage, nextStep: next))
    }
}
