import Foundation
import SlipwayModel

extension DeploymentController {
    /// At daemon start: declare routes, close deployments a crash interrupted (stopping their
    /// half-started instances), and bring back each service's active release: re-adopt its process
    /// when it still runs, else restart it from its release directory.
    public func recover() async throws {
        for service in config.services {
            await deps.router.configure(service: service.name, route: service.route)
        }
        for var interrupted in try await deps.store.runningDeployments() {
            let active = try await deps.store.active(service: interrupted.service)
            if let candidate = interrupted.instance, candidate != active?.instance, await deps.runtime.isAlive(candidate) {
                await deps.runtime.adopt(candidate)
                await deps.runtime.stop(candidate, timeout: .seconds(10))
            }
            var cleaned = ""
            if let releaseID = interrupted.toRelease, releaseID != active?.releaseID, releaseID != active?.previousReleaseID,
               interrupted.kind == .deploy,
               let release = try await deps.store.releases(service: interrupted.service).first(where: { $0.id == releaseID }) {
                try? await deps.builder.remove(release)
                try await deps.store.deleteRelease(service: interrupted.service, id: releaseID)
                cleaned = "; its half-started release \(releaseID) was removed"
            }
            for index in interrupted.stages.indices where interrupted.stages[index].outcome == .running {
                interrupted.stages[index].outcome = .failed
                interrupted.stages[index].finishedAt = deps.now()
                interrupted.stages[index].message = "interrupted"
            }
            interrupted.outcome = .interrupted
            interrupted.exitCode = .deployFailed
            interrupted.finishedAt = deps.now()
            interrupted.message = "interrupted: the daemon stopped while this \(interrupted.kind.rawValue) ran" + cleaned
            try await deps.store.saveDeployment(interrupted)
            await audit(.deployInterrupted, service: interrupted.service, deployment: interrupted.id, interrupted.message ?? "")
        }
        var recorded: [Instance] = []
        for service in config.services {
            guard let active = try await deps.store.active(service: service.name) else { continue }
            recorded += [active.instance, active.warm].compactMap { $0 }
            services[service.name]?.active = active
            await recoverWarm(service, active)
            if let instance = active.instance, await deps.runtime.isAlive(instance) {
                await deps.runtime.adopt(instance)
                await deps.router.switchTraffic(service: service.name, to: instance.upstream)
                services[service.name]?.health = LiveHealth(unhealthyThreshold: service.health.unhealthyThreshold, status: .unknown)
                services[service.name]?.nextProbeAt = deps.clock.now
                await audit(.releaseAdopted, service: service.name,
                            "re-adopted release \(active.releaseID) still running as pid \(instance.pid) on port \(instance.port)")
            } else {
                services[service.name]?.restartAt = deps.clock.now
                await audit(.releaseRestarting, service: service.name,
                            "release \(active.releaseID) was not running after the daemon restarted; starting it again")
            }
        }
        await stopUnrecorded(excluding: recorded)
    }

    /// Instances still running that no record names (the daemon died between starting one and
    /// recording it): stopped, so nothing runs on that no one will ever stop.
    func stopUnrecorded(excluding recorded: [Instance]) async {
        for stray in await deps.runtime.unrecorded(excluding: recorded) {
            let stopTimeout = services[stray.service]?.config.stopTimeout ?? .seconds(10)
            await deps.runtime.stop(stray, timeout: stopTimeout)
            let what = stray.containerID.map { "container \($0.prefix(12))" } ?? "pid \(stray.pid)"
            await audit(.releaseUnrecordedStopped, service: stray.service,
                        "stopped \(what) of release \(stray.releaseID): it was running but no record named it "
                            + "(the daemon stopped between starting it and recording it)")
        }
    }

    /// At graceful daemon shutdown: stop every active release (they are restarted at the next
    /// start) and every warm one (a rollback after the restart starts it again).
    public func stopAll() async {
        for (name, state) in services {
            if let warm = state.active?.warm {
                await deps.runtime.stop(warm, timeout: state.config.stopTimeout)
                await forgetWarm(name)
            }
            guard let instance = state.active?.instance else { continue }
            services[name]?.restartAt = nil
            await deps.runtime.stop(instance, timeout: state.config.stopTimeout)
        }
    }
}
