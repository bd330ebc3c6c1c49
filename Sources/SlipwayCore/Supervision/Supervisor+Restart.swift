import Foundation
import SlipwayModel

/// A crashed release started again from its directory (no rebuild), routed once healthy.
extension Supervisor {
    func restart(_ service: ServiceKey, _ active: ActiveRelease, slot: Int) async {
        guard let config = table.config(service),
              (try? await table.acquire(service, ServiceLock(deploymentID: nil, actor: "slipway", what: "restart of \(active.releaseID)"))) != nil
        else { return }
        await restartHolding(config, active, slot: slot)
        await table.release(service)
    }

    private func restartHolding(_ config: ServiceConfig, _ active: ActiveRelease, slot: Int) async {
        let service = config.key
        let which = active.instances.count > 1 ? "replica \(slot + 1) of release" : "release"
        do {
            guard let release = try await deps.store.releases(service: service).first(where: { $0.id == active.releaseID }) else {
                await table.restartAbandoned(service, slot: slot)
                await deps.audit(.releaseRestartFailed, service: service, "release \(active.releaseID) is no longer retained")
                return
            }
            let instance = try await deps.runtime.start(release, service: config)
            let startedAt = deps.clock.now
            switch await waitUntilHealthy(instance, service: config, startedAt: startedAt) {
            case .none:
                var restarted = active
                if slot == 0 { restarted.instance = instance } else if slot - 1 < restarted.replicas.count { restarted.replicas[slot - 1] = instance }
                do {
                    try await deps.store.setActive(restarted)
                } catch {
                    // Not recorded, it would run on unrouted and named by nothing.
                    await deps.runtime.stop(instance, timeout: config.stopTimeout)
                    await table.restartFailed(service, slot: slot)
                    await deps.audit(.releaseRestartFailed, service: service,
                                     "\(which) \(release.id) came back but could not be recorded, so it was stopped: \(describe(error))")
                    return
                }
                let routed = await table.restarted(service, slot: slot, as: instance, startedAt: startedAt)
                await deps.router.route(service: service, to: config.backends(routed))
                await deps.audit(.releaseRestarted, service: service,
                                 "\(which) \(release.id) restarted as pid \(instance.pid) on port \(instance.port)")
            case .some(let reason):
                await deps.runtime.stop(instance, timeout: config.stopTimeout)
                await table.restartFailed(service, slot: slot)
                await deps.audit(.releaseRestartFailed, service: service, "\(which) \(release.id) did not come back: \(reason)")
            }
        } catch {
            await table.restartFailed(service, slot: slot)
            await deps.audit(.releaseRestartFailed, service: service, "\(which) \(active.releaseID) could not start: \(describe(error))")
        }
    }

    /// Probes until `healthy_threshold` consecutive successes, the instance exits, or `start_timeout`
    /// (`HealthGate`'s rules). Returns why it failed, nil when healthy.
    private func waitUntilHealthy(_ instance: Instance, service: ServiceConfig, startedAt: Duration) async -> String? {
        await table.claimExits(of: instance)
        var gate = HealthGate(check: service.health, startedAt: startedAt)
        var action = gate.firstAction()
        var failure: String?
        loop: while true {
            switch action {
            case .pass:
                break loop
            case .fail(let reason):
                failure = reason
                break loop
            case .probe(let delay):
                if delay > .zero {
                    do { try await deps.clock.sleep(for: delay) } catch {
                        failure = "cancelled"
                        break loop
                    }
                }
                let result = await deps.probe.probe(instance.upstream, check: service.health)
                if !result.healthy, !(await deps.runtime.isAlive(instance)) {
                    action = gate.instanceExited(await table.howItExited(instance))
                } else {
                    action = gate.handle(result, at: deps.clock.now)
                }
            }
        }
        await table.unclaimExits(of: instance)
        return failure
    }
}
