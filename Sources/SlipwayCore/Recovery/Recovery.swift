import Foundation
import SlipwayModel

/// What a daemon finds when it starts, and what it leaves when it stops gracefully.
struct Recovery: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable

    /// At daemon start: declare routes, close deployments a crash interrupted (stopping their
    /// half-started instances), and bring back each service's active release: re-adopt its process
    /// when it still runs, else restart it from its release directory.
    func recover() async throws {
        for service in table.services {
            await deps.router.configure(service: service.key, route: service.route)
        }
        for var interrupted in try await deps.store.runningDeployments() {
            let active = try await deps.store.active(service: interrupted.key)
            // A rollout left traffic split (or a preview routed): all of it goes back to the release
            // that serves before the new one is stopped, so no request is sent to an instance going away.
            var rolledBack = false
            if interrupted.rollout != nil {
                var serving: [Instance] = []
                for instance in active?.instances ?? [] where await deps.runtime.isAlive(instance) { serving.append(instance) }
                await deps.router.route(service: interrupted.key, to: table.config(interrupted.key)?.backends(serving))
                rolledBack = true
            }
            // Its other replicas are named by no record: `stopUnrecorded` below stops them.
            if let candidate = interrupted.instance, active?.instances.contains(candidate) != true, await deps.runtime.isAlive(candidate) {
                await deps.runtime.adopt(candidate)
                await deps.runtime.stop(candidate, timeout: .seconds(10))
            }
            var cleaned = ""
            if let releaseID = interrupted.toRelease, releaseID != active?.releaseID, releaseID != active?.previousReleaseID,
               interrupted.kind == .deploy,
               let release = try await deps.store.releases(service: interrupted.key).first(where: { $0.id == releaseID }) {
                try? await deps.builder.remove(release)
                try await deps.store.deleteRelease(service: interrupted.key, id: releaseID)
                cleaned = "; its half-started release \(releaseID) was removed"
            }
            for index in interrupted.stages.indices where interrupted.stages[index].outcome == .running {
                interrupted.stages[index].outcome = .failed
                interrupted.stages[index].finishedAt = deps.now()
                interrupted.stages[index].message = "interrupted"
            }
            interrupted.outcome = rolledBack ? .rolledBack : .interrupted
            interrupted.exitCode = rolledBack ? .smokeFailedRolledBack : .deployFailed
            interrupted.finishedAt = deps.now()
            interrupted.message = rolledBack
                ? "interrupted mid-rollout: the daemon stopped; on its restart traffic went back to "
                    + (active.map { "release \($0.releaseID)" } ?? "nothing, as before") + " and the new release was stopped" + cleaned
                : "interrupted: the daemon stopped while this \(interrupted.kind.rawValue) ran" + cleaned
            if rolledBack { interrupted.rollout?.conclusion = "rolled back: the daemon stopped mid-rollout" }
            try await deps.store.saveDeployment(interrupted)
            await deps.audit(.deployInterrupted, service: interrupted.key, deployment: interrupted.id, interrupted.message ?? "")
        }
        var recorded: [Instance] = []
        for service in table.services {
            guard let active = try await deps.store.active(service: service.key) else { continue }
            recorded += active.instances + active.warmInstances
            var adopted: [Bool] = []
            for instance in active.instances { adopted.append(await deps.runtime.isAlive(instance)) }
            await table.recovered(active, adopted: adopted)
            await recoverWarm(service, active)
            let alive = zip(active.instances, adopted).filter(\.1).map(\.0)
            for instance in alive { await deps.runtime.adopt(instance) }
            if !alive.isEmpty { await deps.router.route(service: service.key, to: service.backends(alive)) }
            let replicas = active.instances.count > 1
            if !alive.isEmpty {
                let which = replicas ? " (\(alive.count) of \(active.instances.count) replicas)" : ""
                await deps.audit(.releaseAdopted, service: service.key,
                            "re-adopted release \(active.releaseID)\(which) still serving: "
                                + alive.map { $0.site.map { "files at \($0.root)" } ?? "pid \($0.pid) on port \($0.port)" }
                                    .joined(separator: ", "))
            }
            if alive.count < active.instances.count {
                let which = replicas ? "\(active.instances.count - alive.count) replica(s) of release" : "release"
                await deps.audit(.releaseRestarting, service: service.key,
                            "\(which) \(active.releaseID) \(replicas ? "were" : "was") not running after the daemon restarted; "
                                + "starting \(replicas ? "them" : "it") again")
            }
        }
        let strays = await deps.runtime.unrecorded(excluding: recorded)
        guard !strays.isEmpty else { return }
        // A state database without a single record, beside releases of this project that run, is
        // new or lost (deleted, replaced): what runs is what serves, so it is adopted, not stopped.
        if recorded.isEmpty, try await deps.store.deployments(service: nil, limit: 1).isEmpty {
            await adoptUnrecorded(strays)
        } else {
            await stopUnrecorded(strays)
        }
    }

    /// The state holds no record: each service's newest running release (release ids sort by
    /// time) serves again, recorded as active; anything else found is left running, unrouted,
    /// and named in the audit trail for someone to decide.
    func adoptUnrecorded(_ strays: [Instance]) async {
        let lost = "the state database holds no record at all (new, or lost: restore .slipway/state.db from a backup "
            + "to get the history back)"
        let byService = Dictionary(grouping: strays, by: \.key)
        for key in byService.keys.sorted() {
            let found = byService[key, default: []].sorted { ($0.releaseID, $0.pid) > ($1.releaseID, $1.pid) }
            guard let serving = found.first, table.config(key) != nil else {
                for stray in found { await auditLeftRunning(stray, lost) }
                continue
            }
            let active = ActiveRelease(service: key.service, releaseID: serving.releaseID, instance: serving,
                                       previousReleaseID: nil, switchedAt: deps.now()).keyed(key)
            await deps.record(active)
            await table.recovered(active, adopted: [true])
            await deps.runtime.adopt(serving)
            await deps.router.switchTraffic(service: key, to: serving.upstream)
            await deps.audit(.releaseAdoptedUnrecorded, service: key,
                             "\(Self.what(serving)) of release \(serving.releaseID) was running but \(lost): adopted, it serves "
                                + "\(key) again on port \(serving.port)")
            for stray in found.dropFirst() { await auditLeftRunning(stray, lost) }
        }
    }

    private func auditLeftRunning(_ stray: Instance, _ lost: String) async {
        await deps.runtime.adopt(stray)
        await deps.audit(.releaseAdoptedUnrecorded, service: stray.key,
                         "\(Self.what(stray)) of release \(stray.releaseID) was running but \(lost): left running, unrouted; "
                            + "stop it yourself once you know it is not needed")
    }

    private static func what(_ instance: Instance) -> String {
        instance.containerID.map { "container \($0.prefix(12))" } ?? "pid \(instance.pid)"
    }

    /// Instances still running that no record names while others are recorded (the daemon died
    /// between starting one and recording it): stopped, so nothing runs that no one will ever stop.
    func stopUnrecorded(_ strays: [Instance]) async {
        for stray in strays {
            let stopTimeout = table.config(stray.key)?.stopTimeout ?? .seconds(10)
            await deps.runtime.stop(stray, timeout: stopTimeout)
            await deps.audit(.releaseUnrecordedStopped, service: stray.key,
                        "stopped \(Self.what(stray)) of release \(stray.releaseID): it was running but no record named it "
                            + "(the daemon stopped between starting it and recording it)")
        }
    }

    /// At graceful daemon shutdown: stop every active release (they are restarted at the next
    /// start) and every warm one (a rollback after the restart starts it again).
    func stopAll() async {
        for service in table.services {
            guard let active = await table.active(service.key) else { continue }
            if !active.warmInstances.isEmpty {
                for warm in active.warmInstances { await deps.runtime.stop(warm, timeout: service.stopTimeout) }
                if let forgotten = await table.forgetWarm(service.key) { await deps.record(forgotten) }
            }
            guard !active.instances.isEmpty else { continue }
            await table.stopped(service.key)
            for instance in active.instances { await deps.runtime.stop(instance, timeout: service.stopTimeout) }
        }
    }

    /// After a daemon restart: a warm instance whose time has not come is adopted again (and the
    /// watch it belongs to re-armed); one whose time has passed is stopped.
    func recoverWarm(_ service: ServiceConfig, _ active: ActiveRelease) async {
        guard let warm = active.warm else { return }
        var living: [Instance] = []
        for instance in active.warmInstances where await deps.runtime.isAlive(instance) { living.append(instance) }
        // All or nothing: a rollback to a release with a replica missing starts it afresh anyway.
        let alive = living.count == active.warmInstances.count
        for instance in living { await deps.runtime.adopt(instance) }
        let remaining = active.warmUntil.map { $0.timeIntervalSince(deps.now()) } ?? 0
        if alive, remaining > 0 {
            let switchedBy = try? await deps.store.deployments(service: service.key, limit: 50)
                .first { $0.outcome == .succeeded && $0.toRelease == active.releaseID }?.id
            await table.recoveredWarm(service.key, remaining: .seconds(remaining), switchedBy: switchedBy)
            await deps.audit(.releaseAdopted, service: service.key,
                        "re-adopted warm release \(warm.releaseID) (pid \(warm.pid)); its watch ends in \(DurationText.format(.seconds(remaining)))")
        } else {
            for instance in living { await deps.runtime.stop(instance, timeout: service.stopTimeout) }
            if let forgotten = await table.forgetWarm(service.key) { await deps.record(forgotten) }
        }
    }
}
