import Foundation
import SlipwayModel
import Synchronization

/// The driver of a deployment's machine: performs each action on the controller's dependencies
/// and feeds the result back as the machine's next event, until the machine has finished.
extension DeploymentRunner {
    /// Runs `plan` to its end and returns the closed record. A deploy tells its start at once,
    /// delivered while the deployment goes on; its outcome is told after that.
    func drive(_ plan: DeploymentMachine.Plan, recorder: DeploymentRecorder) async -> Deployment {
        var machine = DeploymentMachine(plan)
        let (events, post) = AsyncStream<DeploymentMachine.Event>.makeStream()
        let side = SideWork(post: { post.yield($0) })
        let rollout = machine.rolloutStrategy != nil
        // While a deploy prepares, its serving release stays supervised (`claimRoute` ends that).
        if plan.kind.isDeploy { await table.lendRoute(plan.service.key) }
        if plan.kind.isDeploy, plan.service.delivery.strategy != .switch {
            recorder.update { $0.strategy = plan.service.delivery.strategy }
        }
        if rollout {
            await rollouts.open(plan.service.key, deployment: plan.id, post: { post.yield($0) })
            recorder.update { $0.rollout = RolloutRecord(strategy: plan.service.delivery.strategy) }
        }
        let finished = await withTaskGroup(of: Void.self) { group in
            if plan.kind.isDeploy {
                group.addTask {
                    await self.notify(.started, recorder)
                    side.startedNotified.set(())
                }
            } else {
                side.startedNotified.set(())
            }
            var pending = machine.handle(.begin)
            var arrivals = events.makeAsyncIterator()
            while true {
                while !pending.isEmpty {
                    let action = pending.removeFirst()
                    if case .finish(let outcome, let exit, let message, let audit) = action {
                        post.finish()
                        // A rollout's wake still asleep has nothing left to wake.
                        group.cancelAll()
                        return await conclude(recorder, outcome, exit, message, action: audit)
                    }
                    if let event = await perform(action, plan: plan, recorder: recorder, side: side, group: &group) {
                        pending += machine.handle(event)
                    }
                }
                if rollout { await rollouts.update(plan.service.key, status: machine.rolloutStatus) }
                // Only a side task can move the machine now.
                guard let event = await arrivals.next() else { break }
                pending += machine.handle(event)
            }
            // The stream ends without a finish when the daemon stops (this task is cancelled): the
            // record says so, as recovery says of a deployment a crash interrupted. Otherwise the
            // machine is stuck, which is a bug of ours, not the user's.
            if Task.isCancelled {
                if rollout, [.rollingOut, .smokingPreview, .abortingRollout].contains(machine.currentPhase) {
                    // Never leave a share or a preview on a release nobody will judge.
                    await deps.router.route(service: plan.service.key, to: plan.service.backends(machine.servingBeforeRollout))
                    for new in machine.newInstances { await deps.runtime.stop(new, timeout: plan.service.stopTimeout) }
                }
                return await conclude(recorder, .interrupted, .deployFailed,
                                      "interrupted: the daemon stopped while this deployment was \(machine.currentPhase.rawValue)",
                                      action: .deployInterrupted)
            }
            return await conclude(recorder, .failed, .deployFailed,
                                  "internal error: deployment \(plan.id) stopped in \(machine.currentPhase.rawValue)",
                                  action: plan.kind.isDeploy ? .deployFailed : .rollbackFailed)
        }
        // Commands still waiting get their answers; a new command is refused from here on.
        if rollout { await rollouts.close(plan.service.key) }
        return finished
    }

    /// Performs one action; returns the event it answers with, nil for an action that answers
    /// nothing (or answers later, from a side task).
    private func perform(_ action: DeploymentMachine.Action, plan: DeploymentMachine.Plan, recorder: DeploymentRecorder,
                         side: SideWork, group: inout TaskGroup<Void>) async -> DeploymentMachine.Event? {
        let service = plan.service
        switch action {
        case .beginStage(let stage):
            await recorder.beginStage(stage)
        case .endStage(let stage, let outcome, let message):
            await recorder.endStage(outcome, message, named: stage)
            if stage == .rollout { recorder.update { $0.rollout?.conclusion = message } }
        case .log(let line):
            recorder.log(line)
        case .recordExport(let release):
            recorder.update {
                $0.toRelease = release.id
                $0.version = release.version
                $0.commit = release.commit
            }
            let notes = await releaseNotes(to: release, service: service, previous: plan.previous)
            recorder.update { $0.notes = notes }
        case .recordImage(let image):
            recorder.update { $0.image = image }
        case .recordBackup(let backup):
            recorder.update { $0.backup = backup }
        case .recordMigrations(let scripts):
            recorder.update { $0.migrations = scripts }
        case .recordInstance(let instance):
            recorder.update { $0.instance = instance }
        case .recordRollbackDeadline:
            let window = gates.rollbackWindow(of: service.environment)
            recorder.update { $0.rollbackDeadline = deps.now().addingTimeInterval(window.seconds) }

        case .export(let ref):
            do {
                return .exported(try await deps.builder.export(service: service, ref: ref, log: { recorder.log($0) }))
            } catch {
                return .exportFailed(describe(error))
            }
        case .copyArtifact(let source):
            do {
                return .exported(try await deps.builder.promote(source, service: service, log: { recorder.log($0) }))
            } catch {
                return .exportFailed(describe(error))
            }
        case .runCheck(let check, let directory, let release):
            return await runCheck(check, in: directory, release: release, recorder: recorder).map { .checkFailed($0) } ?? .checkPassed
        case .discard(let staged):
            await deps.builder.discard(staged)
        case .build(let staged, let prefixed):
            group.addTask { await self.build(staged, service: service, prefixed: prefixed, recorder: recorder, side: side) }
        case .cancelBuild:
            side.cancelBuild.set(())
        case .backUpAndMigrate(let database, let directory):
            group.addTask {
                await self.backUpAndMigrate(database, directory: directory, recorder: recorder, side: side)
            }
        case .continueMigrations(let proceed):
            side.migrationsAnswer.set(proceed)
        case .publish(let built):
            do {
                return .published(try await deps.builder.publish(built))
            } catch {
                return .publishFailed(describe(error))
            }
        case .saveRelease(let release):
            recorder.update { $0.artifact = release.artifact }
            do {
                try await deps.store.saveRelease(release)
                return .releaseSaved
            } catch {
                return .releaseNotSaved("\(error)")
            }
        case .lendBaseline:
            await table.lendBaseline(service.key)
        case .claimRoute:
            while true {
                let (ready, active) = await table.claimRoute(service.key)
                if ready { return .routeClaimed(active) }
                do { try await deps.clock.sleep(for: .milliseconds(10)) } catch { return .routeClaimed(active) }
            }
        case .removeRelease(let release):
            try? await deps.builder.remove(release)

        case .probeWarm(let instances):
            var worst: ProbeResult?
            for warm in instances {
                guard await deps.runtime.isAlive(warm) else { return .warmProbed(alive: false, nil, at: deps.clock.now) }
                let result = await deps.probe.probe(warm.upstream, check: service.health)
                if worst == nil || !result.healthy { worst = result }
                if !result.healthy { break }
            }
            return .warmProbed(alive: true, worst, at: deps.clock.now)
        case .start(let release):
            do {
                let instance = try await deps.runtime.start(release, service: service)
                return .instanceStarted(instance, at: deps.clock.now)
            } catch {
                return .startFailed(describe(error))
            }
        case .claimExits(let instance):
            await table.claimExits(of: instance)
        case .unclaimExits(let instance):
            await table.unclaimExits(of: instance)
        case .probe(let instance, let delay):
            if delay > .zero {
                do { try await deps.clock.sleep(for: delay) } catch { return .gateCancelled }
            }
            let result = await deps.probe.probe(instance.upstream, check: service.health)
            if !result.healthy, !(await deps.runtime.isAlive(instance)) {
                return .instanceExited(await table.howItExited(instance))
            }
            return .probed(result, at: deps.clock.now)
        case .fetchLogTail(let instance):
            return .logTail(await deps.runtime.logTail(instance, lines: 20))
        case .stop(let instance):
            await deps.runtime.stop(instance, timeout: service.stopTimeout)
        case .forgetWarm:
            if let active = await table.forgetWarm(service.key) { await deps.record(active) }
        case .switchTraffic(let upstreams):
            let replaced = await deps.router.route(service: service.key, to: service.backends(upstreams))
            return .switched(replaced: replaced?.upstreams ?? [], at: deps.now(), warm: await table.active(service.key)?.warmInstances ?? [])
        case .activate(let active, let startedAt):
            do {
                try await deps.store.setActive(active)
            } catch {
                recorder.log("warning: could not record the active release: \(error)")
            }
            await table.activate(active, startedAt: startedAt)
        case .runSmokeTest(let test, let release, let instance):
            return await runSmokeTest(test, release: release, instance: instance, recorder: recorder).map { .smokeFailed($0) } ?? .smokePassed
        case .runPublishStep(let step, let release, let instance):
            return await runPublishStep(step, of: service, release: release, instance: instance, recorder: recorder)
                .map { .publishStepFailed($0) } ?? .publishStepPassed
        case .checkAlive(let instance):
            return .previousAlive(await deps.runtime.isAlive(instance))
        case .switchBack(let upstreams, let previous):
            await switchBack(service, to: upstreams, previous: previous, recorder: recorder)
        case .drain(let upstreams):
            return .drained(left: await drain(upstreams, timeout: service.drainTimeout))
        case .markSwitchedBy:
            await table.markSwitched(service.key, by: plan.id)
        case .prune:
            return await prune(service)
        case .notify(let event, let failedStage, let nextStep):
            _ = await side.startedNotified.wait()
            await notify(event, recorder, failedStage: failedStage, nextStep: nextStep)
            return .notified(total: recorder.deployment.notifications.count)
        case .markRolledBack(let deployment, let reason):
            await markRolledBack(deployment, by: plan.id, reason: reason)
        case .endWatch:
            await table.endWatch(service.key)
        case .holdTraffic:
            do {
                _ = try await deps.router.changeControl(.pause, hold: service.delivery.recreate.holdRequests, message: nil, of: service.key)
            } catch {
                recorder.log("warning: the proxy did not hold \(service.key)'s requests: \(describe(error))")
            }
        case .releaseTraffic:
            do {
                _ = try await deps.router.changeControl(.resume, hold: nil, message: nil, of: service.key)
            } catch {
                recorder.log("warning: the proxy did not release \(service.key)'s held requests: \(describe(error))")
            }
        case .restartRelease(let id):
            do {
                guard let release = try await deps.store.releases(service: service.key).first(where: { $0.id == id }) else {
                    return .startFailed("release \(id) is no longer retained")
                }
                let instance = try await deps.runtime.start(release, service: service)
                return .instanceStarted(instance, at: deps.clock.now)
            } catch {
                return .startFailed(describe(error))
            }
        case .restoreRoute(let upstreams):
            await deps.router.route(service: service.key, to: service.backends(upstreams))
        case .routeSplit, .routePreview, .routeBaseline, .openWindow, .collectWindow, .wake,
             .runRolloutCheck, .recordRolloutStep, .answerRollout:
            return await performRollout(action, plan: plan, recorder: recorder, side: side, group: &group)
        case .startReplica, .drainAndStopReplica, .restoreReplica, .routeRolling:
            await performRolling(action, plan: plan, recorder: recorder, side: side, group: &group)
        case .finish:
            break
        }
        return nil
    }
}

extension DeploymentRunner {
    /// Drains every one of `upstreams` at once; how many requests were still in flight at the deadline.
    func drain(_ upstreams: [Upstream], timeout: Duration) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for upstream in upstreams {
                group.addTask { await self.deps.router.drain(upstream, timeout: timeout) }
            }
            return await group.reduce(0, +)
        }
    }

    /// How many commit subjects a deployment's notes keep.
    static let notesLimit = 100

    /// The subjects of the commits between the release the environment served before and this
    /// one (limited to the service's `paths`); nil when they cannot be told (no change source, a
    /// commit the repository lost). Never fails a deployment.
    func releaseNotes(to release: Release, service: ServiceConfig, previous: ActiveRelease?) async -> [String]? {
        guard let changes = deps.changes else { return nil }
        var from: String?
        if let previous, let served = try? await deps.store.releases(service: service.key).first(where: { $0.id == previous.releaseID }) {
            from = served.commit
        }
        if from == release.commit { return [] }
        do {
            return try await changes.commitSubjects(from: from, to: release.commit, paths: service.paths, limit: Self.notesLimit)
                .map { deps.redactor.redact($0) }
        } catch {
            deps.logger.warning("no release notes", metadata: ["service": "\(service.key)", "error": "\(error)"])
            return nil
        }
    }
}
