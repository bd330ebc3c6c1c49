import Foundation
import SlipwayModel
import Synchronization

/// The stages before a release starts: validate (resolve and export the commit) → checks (in the
/// exported files) → build, beside backup → migrate for a service with a database.
extension DeploymentController {
    /// A release ready to start, or why not (the failed stage, its exit code, what to do next).
    enum Prepared: Sendable {
        case ready(Release)
        case failed(stage: String, exit: ExitStatus, message: String, next: String)
    }

    func prepareRelease(_ service: ServiceConfig, ref: String, recorder: DeploymentRecorder) async -> Prepared {
        let id = recorder.id
        await recorder.beginStage("validate")
        let exported: StagedRelease
        do {
            exported = try await deps.builder.export(service: service, ref: ref, log: { recorder.log($0) })
        } catch {
            let message = "validate failed: \(Self.describe(error))"
            await recorder.endStage(.failed, message)
            return .failed(stage: "validate", exit: .buildFailed, message: message,
                           next: "check the ref and the repository, then deploy again")
        }
        let release = exported.release
        recorder.update {
            $0.toRelease = release.id
            $0.version = release.version
            $0.commit = release.commit
        }
        await recorder.endStage(.succeeded, "\(ref) is commit \(release.commit.prefix(12)), version \(release.version), "
            + "exported as release \(release.id)")

        if let failure = await runChecks(service, in: exported.directory, release: release, recorder: recorder) {
            // A release that failed its checks is never built, so never deployed, not even by a rollback.
            await deps.builder.discard(exported)
            return .failed(stage: "checks", exit: .checksFailed, message: "checks failed, nothing deployed: \(failure)",
                           next: "see `slipway logs \(id)`, fix what the check found and deploy again")
        }

        // The build and the database's backup → migrate run side by side: the migrations are read
        // from the exported files, not from the build's output.
        let side = service.database != nil
        let buildFailed = FailureSignal()
        let build = Task { await self.buildStage(service, exported, recorder: recorder, prefixed: side, failed: buildFailed) }
        let database = await withTaskCancellationHandler {
            await databaseStages(service, exported, recorder: recorder, buildFailed: buildFailed)
        } onCancel: {
            build.cancel()
        }
        if case .failed = database { build.cancel() }
        let built = await build.value

        switch (built, database) {
        case (.built(let built), .failed(let stage, let failure)):
            await deps.builder.discard(built)
            return .failed(stage: stage, exit: .deployFailed, message: "deploy failed: \(failure)",
                           next: "fix the migration and deploy again")
        case (_, .failed(let stage, let failure)):
            return .failed(stage: stage, exit: .deployFailed, message: "deploy failed: \(failure)",
                           next: "fix the migration and deploy again")
        case (.failed(let failure), let database):
            var message = "build failed: \(failure)"
            var next = "see `slipway logs \(id)`, fix the build and deploy again"
            if case .applied(let name, let backup, let scripts) = database {
                message += "; meanwhile \(name) was migrated (\(scripts.joined(separator: ", "))), so the previous "
                    + "release serves against the new schema; to undo the migrations: `slipway db restore \(name) \(backup)`"
                next = "migrations must keep the previous release working (expand, then contract); fix the build and deploy again"
            }
            return .failed(stage: "build", exit: .buildFailed, message: message, next: next)
        case (.built(let built), _):
            // Published only now, when every stage before the start has passed.
            let release: Release
            do {
                release = try await deps.builder.publish(built)
            } catch {
                await deps.builder.discard(built)
                return .failed(stage: "build", exit: .buildFailed, message: "build failed: \(Self.describe(error))",
                               next: "check the releases directory and deploy again")
            }
            do {
                try await deps.store.saveRelease(release)
            } catch {
                try? await deps.builder.remove(release)
                return .failed(stage: "build", exit: .buildFailed, message: "build failed: the release could not be recorded: \(error)",
                               next: "check the daemon's state directory and deploy again")
            }
            recorder.update {
                $0.image = release.image
            }
            return .ready(release)
        }
    }

    enum BuildOutcome: Sendable {
        case built(StagedRelease)
        case failed(String)
    }

    func buildStage(_ service: ServiceConfig, _ exported: StagedRelease, recorder: DeploymentRecorder, prefixed: Bool,
                    failed: FailureSignal) async -> BuildOutcome {
        await recorder.beginStage("build")
        do {
            let built = try await deps.builder.build(exported, service: service,
                                                     log: { recorder.log(prefixed ? "[build] \($0)" : $0) })
            let release = built.release
            await recorder.endStage(.succeeded, "release \(release.id) (\(release.version), \(release.commit.prefix(12))) built in "
                + String(format: "%.2fs", release.buildSeconds) + (release.image.map { ", image \($0.prefix(19))" } ?? ""),
                named: "build")
            return .built(built)
        } catch is CancellationError {
            failed.raise()
            await recorder.endStage(.cancelled, "cancelled: a stage beside it failed; its processes were killed", named: "build")
            return .failed("cancelled")
        } catch {
            failed.raise()
            let message = Self.describe(error)
            await recorder.endStage(.failed, "build failed: \(message)", named: "build")
            return .failed(message)
        }
    }

    enum DatabaseOutcome: Sendable {
        case none
        case upToDate
        case applied(database: String, backup: String, scripts: [String])
        /// The build failed before the migrations started: they did not run.
        case notRun
        case failed(stage: String, String)
    }

    /// backup (verified, only when migrations are pending) → migrate, unless the build has failed by then;
    /// both under one hold of the migration lock (`DatabaseMigrating`), the stage boundary being the
    /// migrator's `backedUp` call.
    func databaseStages(_ service: ServiceConfig, _ exported: StagedRelease, recorder: DeploymentRecorder,
                        buildFailed: FailureSignal) async -> DatabaseOutcome {
        guard let database = service.database else { return .none }
        await recorder.beginStage("backup")
        guard let migrator = deps.migrator else {
            let failure = "database \(database) cannot be migrated: no migrator is configured"
            await recorder.endStage(.failed, failure, named: "backup")
            return .failed(stage: "backup", failure)
        }
        let progress = DatabaseProgress()
        let applied: [String]
        do {
            applied = try await migrator.backUpAndMigrate(
                database: database, releaseDirectory: exported.directory, deployment: recorder.id,
                log: { recorder.log("[\(progress.stage)] \($0)") },
                backedUp: { backup in
                    progress.backedUp(backup)
                    recorder.update { $0.backup = backup }
                    await recorder.endStage(.succeeded, "\(database): verified backup \(backup)", named: "backup")
                    await recorder.beginStage("migrate")
                    guard !buildFailed.isRaised else {
                        progress.stop()
                        await recorder.endStage(.cancelled, "not run: the build failed, so the schema stays as it was",
                                                named: "migrate")
                        return false
                    }
                    return true
                })
        } catch {
            guard let backup = progress.backup else {
                let failure = "backup of \(database) failed, nothing migrated: \(Self.describe(error))"
                await recorder.endStage(.failed, failure, named: "backup")
                return .failed(stage: "backup", failure)
            }
            let failure = "migration of \(database) failed: \(Self.describe(error)); the failed migration's transaction "
                + "left the schema as it was before it (backup \(backup), taken before this run: `slipway db restore \(database) \(backup)`)"
            await recorder.endStage(.failed, failure, named: "migrate")
            return .failed(stage: "migrate", failure)
        }
        guard let backup = progress.backup else {
            await recorder.endStage(.skipped, "\(database): schema up to date, nothing to back up or migrate", named: "backup")
            return .upToDate
        }
        if progress.stopped { return .notRun }
        recorder.update { $0.migrations = applied }
        await recorder.endStage(.succeeded, "\(database): applied \(applied.joined(separator: ", "))", named: "migrate")
        return .applied(database: database, backup: backup, scripts: applied)
    }
}

/// Where the database stages are, as the migrator's callbacks tell: which stage its log lines belong
/// to, the backup once taken, and whether the migrations were stopped for a failed build.
final class DatabaseProgress: Sendable {
    private struct State {
        var backup: String?
        var stopped = false
    }
    private let state = Mutex(State())

    func backedUp(_ backup: String) { state.withLock { $0.backup = backup } }
    func stop() { state.withLock { $0.stopped = true } }
    var backup: String? { state.withLock { $0.backup } }
    var stopped: Bool { state.withLock { $0.stopped } }
    var stage: String { backup == nil ? "backup" : "migrate" }
}

/// Tells the database stages that the build beside them has failed.
final class FailureSignal: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }
    var isRaised: Bool { raised.withLock { $0 } }
}
