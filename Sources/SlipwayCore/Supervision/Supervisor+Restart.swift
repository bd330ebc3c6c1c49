import Foundation
import SlipwayModel

/// A crashed release started again from its directory (no rebuild), routed once healthy.
extension Supervisor {
    func restart(_ service: ServiceKey, _ active: ActiveRelease) async {
        guard let config = table.config(service),
              (try? await table.acquire(service, ServiceLock(deploymentID: nil, actor: "slipway", what: "restart of \(active.releaseID)"))) != nil
        else { return }
        await restartHolding(config, active)
        await table.release(service)
    }

    private func restartHolding(_ config: ServiceConfig, _ active: ActiveRelease) async {
        let service = config.key
        do {
            guard let release = try await deps.store.releases(service: service).first(where: { $0.id == active.releaseID }) else {
                await table.restartAbandoned(service)
                await deps.audit(.releaseRestartFailed, service: service, "release \(active.releaseID) is no longer retained")
                return
            }
            let instance = try await deps.runtime.start(release, service: config)
            let startedAt = deps.clock.now
            switch await waitUntilHealthy(instance, service: config, startedAt: startedAt) {
            case .none:
                var restarted = active
                restarted.instance = instance
                do {
                    try await deps.store.setActive(restarted)
                } catch {
                    // Not recorded, it would run on unrouted and named by nothing.
                    await deps.runtime.stop(instance, timeout: config.stopTimeout)
                    await table.restartFailed(service)
                    await deps.audit(.releaseRestartFailed, service: service,
                                     "release \(release.id) came back but could not be recorded, so it was stopped: \(describe(error))")
                    return
                }
                await deps.router.switchTraffic(service: service, to: instance.upstream)
                await table.restarted(service, as: restarted, startedAt: startedAt)
                await deps.audit(.releaseRestarted, service: service,
                                 "release \(release.id) restarted as pid \(instance.pid) on port \(instance.port)")
            case .some(let reason):
                await deps.runtime.stop(instance, timeout: config.stopTimeout)
                await table.restartFailed(service)
                await deps.audit(.releaseRestartFailed, service: service, "release \(release.id) did not come back: \(reason)")
            }
        } catch {
            await table.restartFailed(service)
            await deps.audit(.releaseRestartFailed, service: service, "release \(active.releaseID) could not start: \(describe(error))")
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
