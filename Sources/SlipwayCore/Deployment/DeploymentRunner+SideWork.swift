import Foundation
import SlipwayModel
import Synchronization

/// The two actions that run beside the rest of a deployment: the build and the database's
/// backup → migrate. They answer through `SideWork.post` whenever they end.
extension DeploymentRunner {
    /// What the actions running beside the rest (the build, the migrator) share with the driver.
    final class SideWork: Sendable {
        /// Posts an event from a side task to the driver's loop.
        let post: @Sendable (DeploymentMachine.Event) -> Void
        /// Asked for by `cancelBuild`.
        let cancelBuild = OneShot<Void>()
        /// The machine's answer to the migrator's `backedUp`.
        let migrationsAnswer = OneShot<Bool>()
        /// Set once the `started` notification has gone out (a deploy's outcome is told after it).
        let startedNotified = OneShot<Void>()
        /// Whether the migrator's log lines belong to `migrate` yet.
        let backedUp = Mutex(false)
        /// A rollout's counters per release when its analysis window opened.
        let window = Mutex<[String: WindowStats]>([:])

        init(post: @escaping @Sendable (DeploymentMachine.Event) -> Void) {
            self.post = post
        }
    }

    /// The build, beside the database's stages; `cancelBuild` cancels it (its processes are killed).
    func build(_ staged: StagedRelease, service: ServiceConfig, prefixed: Bool, recorder: DeploymentRecorder,
                       side: SideWork) async {
        await withTaskGroup(of: Bool.self) { build in
            build.addTask {
                do {
                    let built = try await self.deps.builder.build(staged, service: service,
                                                                  log: { recorder.log(prefixed ? "[build] \($0)" : $0) })
                    side.post(.built(built))
                } catch is CancellationError {
                    side.post(.buildCancelled)
                } catch {
                    side.post(.buildFailed(describe(error)))
                }
                return true
            }
            build.addTask { await side.cancelBuild.wait() == nil }
            if await build.next() == false {
                build.cancelAll()
            } else {
                // The build ended first: release the waiter for a cancel that will not come.
                side.cancelBuild.set(())
            }
        }
    }

    /// backup (verified, only when migrations are pending) → migrate, under one hold of the
    /// migration lock (`DatabaseMigrating`), the stage boundary being the migrator's `backedUp`.
    func backUpAndMigrate(_ database: String, directory: String, recorder: DeploymentRecorder, side: SideWork) async {
        guard let migrator = deps.migrator else {
            side.post(.migratorMissing)
            return
        }
        do {
            let applied = try await migrator.backUpAndMigrate(
                database: database, releaseDirectory: directory, deployment: recorder.id,
                log: { line in recorder.log("[\(side.backedUp.withLock { $0 } ? "migrate" : "backup")] \(line)") },
                backedUp: { backup in
                    side.backedUp.withLock { $0 = true }
                    side.post(.backedUp(backup))
                    return await side.migrationsAnswer.wait() ?? false
                })
            side.post(.migrationsEnded(applied))
        } catch {
            side.post(.databaseFailed(describe(error)))
        }
    }
}
