import Foundation
import SlipwayModel

/// A crashed release started again from its directory (no rebuild), routed once healthy.
extension Supervisor {
    func restart(_ service: ServiceKey, _ active: ActiveRelease, slot: Int) async {
        guard let config = table.config(service) else { return }
        // Beside a deploy that is still building, the serving release is restarted all the same.
        switch await table.admitRestart(service, ServiceLock(deploymentID: nil, actor: "slipway", what: "restart of \(active.releaseID)")) {
        case .refused:
            return
        case .alongside:
            await restartHolding(config, active, slot: slot)
        case .acquired:
            await restartHolding(config, active, slot: slot)
            await table.release(service)
        }
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
            switch await GateRun(deps: deps, table: table).waitUntilHealthy(instance, service: config, startedAt: startedAt) {
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
                await route(service, await table.restarted(service, slot: slot, as: instance, startedAt: startedAt))
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
}
