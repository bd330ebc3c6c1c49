import Foundation
import SlipwayModel

extension DeploymentController {
    /// Builds `request.ref` and moves the service's traffic to it: start beside the old release,
    /// health-gate, switch, drain, stop the old one, prune. Throws only when refused before it began
    /// (unknown service, busy); every other failure is in the returned record's outcome and exit code.
    public func deploy(_ request: DeployRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        let service = try serviceConfig(request.service)
        let id = Identifiers.deploymentID(at: deps.now())
        try acquire(service.name, ServiceLock(deploymentID: id, actor: request.actor, what: "deployment"))
        defer { release(service.name) }

        let previous = services[service.name]?.active
        var record = Deployment(id: id, kind: .deploy, service: service.name, ref: request.ref, fromRelease: previous?.releaseID,
                                actor: request.actor, startedAt: deps.now())
        record.trigger = request.trigger
        let recorder = DeploymentRecorder(record, store: deps.store, now: deps.now, redactor: deps.redactor, emit: emit)
        emit(DeploymentEvent(event: .accepted, deploymentID: id))
        await recorder.persist()
        await audit("deploy.started", service: service.name, deployment: id, actor: request.actor,
                    "deploy \(service.name) at \(request.ref)")
        // Told at once, delivered while the deployment goes on; its outcome is recorded at the end.
        async let started: Void = notify(.started, recorder)

        let finished = await runPipeline(service, ref: request.ref, previous: previous, recorder: recorder)
        await started
        await recorder.beginStage("notify")
        await notify(finished.event, recorder, failedStage: finished.failedStage, nextStep: finished.nextStep)
        await recorder.endStage(.succeeded, "\(recorder.deployment.notifications.count) notification(s) sent")
        return await conclude(recorder, finished.outcome, finished.exit, finished.message, action: finished.action)
    }

    struct PipelineEnd: Sendable {
        var outcome: Deployment.Outcome
        var exit: ExitStatus
        var message: String
        var action: String
        var event: DeploymentNotification.Event
        var failedStage: String?
        var nextStep: String?
    }

    /// validate → checks → build ∥ (backup → migrate) → start → health → switch → smoke → drain → stop → prune.
    func runPipeline(_ service: ServiceConfig, ref: String, previous: ActiveRelease?, recorder: DeploymentRecorder) async -> PipelineEnd {
        let id = recorder.id
        let stillServes = previous.map { "; release \($0.releaseID) still serves" } ?? ""
        func failed(_ stage: String, _ exit: ExitStatus, _ message: String, next: String) -> PipelineEnd {
            PipelineEnd(outcome: .failed, exit: exit, message: message, action: "deploy.failed", event: .failed,
                        failedStage: stage, nextStep: next)
        }

        let release: Release
        switch await prepareRelease(service, ref: ref, recorder: recorder) {
        case .ready(let ready):
            release = ready
        case .failed(let stage, let exit, let message, let next):
            return failed(stage, exit, message + stillServes, next: next)
        }

        switch await cutover(service, to: release, recorder: recorder, smoke: true) {
        case .failed(let stage, let reason):
            return failed(stage, .deployFailed, "deploy failed: \(reason)\(stillServes)",
                          next: "see `slipway logs \(id)` for the release's output")
        case .smokeFailed(let reason, let restored):
            return PipelineEnd(outcome: .rolledBack, exit: restored ? .smokeFailedRolledBack : .rollbackFailed,
                               message: restored ? "smoke tests failed and \(service.name) was rolled back: \(reason)"
                                   : "CRITICAL: smoke tests failed (\(reason)) and the switch back failed",
                               action: restored ? "deploy.rolled_back" : "rollback.critical",
                               event: restored ? .rolledBack : .critical, failedStage: "smoke",
                               nextStep: restored ? "see `slipway logs \(id)`; the previous release serves again"
                                   : "act now: check `slipway status \(service.name)`")
        case .switched:
            services[service.name]?.switchedBy = id
            await prune(service, recorder: recorder)
            recorder.update { $0.rollbackDeadline = deps.now().addingTimeInterval(deps.rollbackWindow.seconds) }
            return PipelineEnd(outcome: .succeeded, exit: .success,
                               message: "\(service.name) now serves \(release.version) (release \(release.id))",
                               action: "deploy.succeeded", event: .succeeded,
                               nextStep: "to undo: `slipway rollback \(service.name)`")
        }
    }

    func conclude(_ recorder: DeploymentRecorder, _ outcome: Deployment.Outcome, _ exit: ExitStatus, _ message: String,
                  action: String) async -> Deployment {
        let record = await recorder.finish(outcome, exit: exit, message: message)
        await audit(action, service: record.service, deployment: record.id, actor: record.actor, message)
        return record
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SlipwayError { return error.description }
        return String(describing: error)
    }

    enum CutoverResult: Sendable {
        case switched
        /// Failed before the switch: the previous release still serves.
        case failed(stage: String, reason: String)
        /// Smoke tests failed after the switch; `restored` says whether traffic went back.
        case smokeFailed(reason: String, restored: Bool)
    }

    /// Start `release` beside whatever serves (or reuse its warm instance), prove it healthy, switch,
    /// drain the old one and keep it warm until the watch ends (stop it at once when `keepWarm` is
    /// false or there is no watch). On failure before the switch, the new instance is stopped and
    /// the old release keeps serving.
    func cutover(_ service: ServiceConfig, to release: Release, recorder: DeploymentRecorder, smoke: Bool = false,
                 keepWarm: Bool = true) async -> CutoverResult {
        let previous = services[service.name]?.active

        await recorder.beginStage("start")
        var instance: Instance
        var check = service.health
        if let warm = await reusableWarmInstance(service, for: release, recorder: recorder) {
            instance = warm
            // It passed its healthy_threshold when it started and has run since: one probe proves it still answers.
            check.healthyThreshold = 1
            await recorder.endStage(.succeeded, "release \(release.id) is still running warm (pid \(warm.pid) on "
                + "127.0.0.1:\(warm.port)): nothing to start")
        } else {
            do {
                instance = try await deps.runtime.start(release, service: service)
            } catch {
                let reason = Self.describe(error)
                await recorder.endStage(.failed, reason)
                return .failed(stage: "start", reason: reason)
            }
            recorder.update { $0.instance = instance }
            await recorder.endStage(.succeeded, "pid \(instance.pid) on 127.0.0.1:\(instance.port)")
        }
        let startedAt = deps.clock.now

        await recorder.beginStage("health")
        var health = service
        health.health = check
        if case .failed(let reason) = await waitUntilHealthy(instance, service: health, startedAt: startedAt) {
            let tail = await deps.runtime.logTail(instance, lines: 20)
            await deps.runtime.stop(instance, timeout: service.stopTimeout)
            if instance == previous?.warm { await forgetWarm(service.name) }
            let detail = tail.isEmpty ? reason : "\(reason)\nlast lines of the release's log:\n\(tail)"
            await recorder.endStage(.failed, detail)
            return .failed(stage: "health", reason: reason)
        }
        await recorder.endStage(.succeeded, "healthy at \(instance.upstream)\(service.health.path)")

        await recorder.beginStage("switch")
        let replaced = await deps.router.switchTraffic(service: service.name, to: instance.upstream)
        // The replaced instance is recorded as warm from this instant, so a daemon that dies before
        // it is stopped finds it; until when depends on the watch.
        let watching = keepWarm && service.watch > .zero
        let replacedInstance = previous?.instance.flatMap { $0 == instance ? nil : $0 }
        let active = ActiveRelease(service: service.name, releaseID: release.id, instance: instance,
                                   previousReleaseID: previous?.releaseID, switchedAt: deps.now(),
                                   warm: replacedInstance,
                                   warmUntil: replacedInstance.map { _ in deps.now().addingTimeInterval(watching ? service.watch.seconds : 0) })
        do {
            try await deps.store.setActive(active)
        } catch {
            recorder.log("warning: could not record the active release: \(error)")
        }
        // The release an earlier deploy kept warm, as the controller knows it now (it may have exited,
        // or been stopped as unfit for reuse, since this cutover began).
        let olderWarm = services[service.name]?.active?.warm.flatMap { $0 == instance ? nil : $0 }
        activate(active, startedAt: startedAt)
        await recorder.endStage(.succeeded, replaced.map { "traffic moved from \($0) to \(instance.upstream)" }
            ?? "traffic now goes to \(instance.upstream)")

        // Smoke tests run while the previous release still runs, so going back is one more switch.
        if smoke, let failure = await runSmokeTests(service, release: release, instance: instance, recorder: recorder) {
            let restored = await switchBack(service, from: instance, to: previous, replaced: replaced, recorder: recorder)
            return .smokeFailed(reason: failure, restored: restored)
        }

        await recorder.beginStage("drain")
        if let replaced {
            let left = await deps.router.drain(replaced, timeout: service.drainTimeout)
            await recorder.endStage(left == 0 ? .succeeded : .failed,
                                    left == 0 ? "no request left in flight on \(replaced)"
                                        : "\(left) request(s) still in flight on \(replaced) after drain_timeout \(DurationText.format(service.drainTimeout))")
        } else {
            await recorder.endStage(.skipped, "no previous release")
        }

        await recorder.beginStage("stop")
        var stopped: [String] = []
        if let olderWarm {
            await deps.runtime.stop(olderWarm, timeout: service.stopTimeout)
            stopped.append("stopped release \(olderWarm.releaseID) (pid \(olderWarm.pid)), which was kept warm")
        }
        if let old = replacedInstance {
            if watching {
                stopped.append("release \(old.releaseID) (pid \(old.pid)) stays running, unrouted, until the watch ends in "
                    + "\(DurationText.format(service.watch)): a rollback until then is a switch")
            } else {
                await deps.runtime.stop(old, timeout: service.stopTimeout)
                await forgetWarm(service.name)
                stopped.append("stopped release \(old.releaseID) (pid \(old.pid)); its directory stays for rollback")
            }
        }
        await recorder.endStage(stopped.isEmpty ? .skipped : .succeeded,
                                stopped.isEmpty ? "nothing to stop" : stopped.joined(separator: "; "))
        return .switched
    }

    /// Undoes a switch: traffic back to the previous upstream (none on a first deploy), the previous
    /// release active again, the new instance drained and stopped.
    func switchBack(_ service: ServiceConfig, from instance: Instance, to previous: ActiveRelease?, replaced: Upstream?,
                    recorder: DeploymentRecorder) async -> Bool {
        await recorder.beginStage("rollback")
        if let previous, let old = previous.instance, !(await deps.runtime.isAlive(old)) {
            await recorder.endStage(.failed, "the previous release \(previous.releaseID) is no longer running")
            return false
        }
        await deps.router.switchTraffic(service: service.name, to: replaced)
        do {
            if let previous { try await deps.store.setActive(previous) } else { try await deps.store.clearActive(service: service.name) }
        } catch {
            recorder.log("warning: could not record the active release: \(error)")
        }
        if let previous {
            activate(previous, startedAt: services[service.name]?.instanceStartedAt ?? deps.clock.now)
            services[service.name]?.watchUntil = nil
        } else {
            services[service.name]?.active = nil
        }
        _ = await deps.router.drain(instance.upstream, timeout: service.drainTimeout)
        await deps.runtime.stop(instance, timeout: service.stopTimeout)
        await recorder.endStage(.succeeded, previous.map { "traffic back on release \($0.releaseID); the new release was stopped" }
            ?? "the new release was stopped; the service has no release serving")
        return true
    }

    /// Makes `active` the service's serving release in the controller's view and starts its watch.
    func activate(_ active: ActiveRelease, startedAt: Duration) {
        guard var state = services[active.service] else { return }
        state.active = active
        state.health = LiveHealth(unhealthyThreshold: state.config.health.unhealthyThreshold, status: .healthy)
        state.nextProbeAt = deps.clock.now + state.config.health.interval
        state.watchUntil = state.config.watch > .zero ? deps.clock.now + state.config.watch : nil
        state.instanceStartedAt = startedAt
        state.restartAt = nil
        state.warmRetireAt = active.warmUntil.map { deps.clock.now + .seconds(max(0, $0.timeIntervalSince(deps.now()))) }
        services[active.service] = state
    }

    enum GateResult: Sendable {
        case healthy
        case failed(String)
    }

    /// Probes until `healthy_threshold` consecutive successes, the instance exits, or `start_timeout`.
    func waitUntilHealthy(_ instance: Instance, service: ServiceConfig, startedAt: Duration) async -> GateResult {
        services[service.name]?.starting.insert(instance)
        defer {
            services[service.name]?.starting.remove(instance)
            services[service.name]?.startingExits[instance] = nil
        }
        var gate = HealthGate(check: service.health, startedAt: startedAt)
        var action = gate.firstAction()
        while true {
            switch action {
            case .pass:
                return .healthy
            case .fail(let reason):
                return .failed(reason)
            case .probe(let delay):
                if delay > .zero {
                    do { try await deps.clock.sleep(for: delay) } catch { return .failed("cancelled") }
                }
                let result = await deps.probe.probe(instance.upstream, check: service.health)
                if !result.healthy, !(await deps.runtime.isAlive(instance)) {
                    action = gate.instanceExited(await howItExited(instance))
                } else {
                    action = gate.handle(result, at: deps.clock.now)
                }
            }
        }
    }

    /// How a starting instance ended, once the runtime has reported its exit (it is usually a few
    /// milliseconds behind the probe that found the instance gone).
    func howItExited(_ instance: Instance) async -> String {
        for _ in 0..<25 {
            if let summary = services[instance.service]?.startingExits[instance]
                ?? services[instance.service]?.unclaimedExits.last(where: { $0.instance == instance })?.summary {
                return summary
            }
            do { try await deps.clock.sleep(for: .milliseconds(10)) } catch { break }
        }
        return "exited"
    }

    /// Deletes releases beyond `retain`, never the active one or the one it replaced.
    func prune(_ service: ServiceConfig, recorder: DeploymentRecorder) async {
        await recorder.beginStage("prune")
        do {
            let releases = try await deps.store.releases(service: service.name)
            let active = services[service.name]?.active
            let protected = Set([active?.releaseID, active?.previousReleaseID, active?.warm?.releaseID].compactMap { $0 })
            let doomed = RetentionPolicy(retain: service.retain).releasesToPrune(releases, protecting: protected)
            for release in doomed {
                try await deps.builder.remove(release)
                try await deps.store.deleteRelease(service: service.name, id: release.id)
            }
            await recorder.endStage(doomed.isEmpty ? .skipped : .succeeded,
                                    doomed.isEmpty ? "\(releases.count) release(s) retained (retain: \(service.retain))"
                                        : "pruned \(doomed.map(\.id).joined(separator: ", "))")
        } catch {
            // Pruning is housekeeping: a failure is recorded, the deployment still succeeded.
            await recorder.endStage(.failed, "pruning failed: \(Self.describe(error))")
        }
    }
}
