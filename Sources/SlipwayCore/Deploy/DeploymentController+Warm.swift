import Foundation
import SlipwayModel

/// The replaced release kept warm: after a switch the old instance runs on, unrouted, until the new
/// release's watch ends, so a rollback (manual or automatic) within the watch is a switch and a
/// probe, not a start. Recorded in the active release (`warm`, `warmUntil`) from the switch on.
extension DeploymentController {
    /// Clears the warm instance from the service's view and its record (it was stopped or has exited).
    func forgetWarm(_ service: String) async {
        guard var active = services[service]?.active, active.warm != nil else { return }
        active.warm = nil
        active.warmUntil = nil
        services[service]?.active = active
        services[service]?.warmRetireAt = nil
        do {
            try await deps.store.setActive(active)
        } catch {
            logger.error("could not record the active release", metadata: ["service": "\(service)", "error": "\(error)"])
        }
    }

    /// The watch ended: stop the warm instance; a later rollback starts its release again.
    func retireWarm(_ service: String) async {
        guard let state = services[service], let warm = state.active?.warm, state.lock == nil else { return }
        services[service]?.warmRetireAt = nil
        await deps.runtime.stop(warm, timeout: state.config.stopTimeout)
        await forgetWarm(service)
        await audit(.releaseRetired, service: service,
                    "stopped release \(warm.releaseID) (pid \(warm.pid)), kept warm until the watch of \(state.active?.releaseID ?? "-") ended")
    }

    /// The warm instance exited unasked: forget it; a rollback will start its release.
    func warmExited(_ exit: InstanceExit) async {
        let service = exit.instance.service
        guard services[service]?.active?.warm == exit.instance else { return }
        await forgetWarm(service)
        await audit(.releaseWarmExited, service: service,
                    "warm release \(exit.instance.releaseID) (pid \(exit.instance.pid)) \(exit.summary); a rollback to it will start it again")
    }

    /// After a daemon restart: a warm instance whose time has not come is adopted again (and the
    /// watch it belongs to re-armed); one whose time has passed is stopped.
    func recoverWarm(_ service: ServiceConfig, _ active: ActiveRelease) async {
        guard let warm = active.warm else { return }
        let alive = await deps.runtime.isAlive(warm)
        if alive { await deps.runtime.adopt(warm) }
        let remaining = active.warmUntil.map { $0.timeIntervalSince(deps.now()) } ?? 0
        if alive, remaining > 0 {
            services[service.name]?.warmRetireAt = deps.clock.now + .seconds(remaining)
            services[service.name]?.watchUntil = deps.clock.now + .seconds(remaining)
            services[service.name]?.switchedBy = try? await deps.store.deployments(service: service.name, limit: 50)
                .first { $0.outcome == .succeeded && $0.toRelease == active.releaseID }?.id
            await audit(.releaseAdopted, service: service.name,
                        "re-adopted warm release \(warm.releaseID) (pid \(warm.pid)); its watch ends in \(DurationText.format(.seconds(remaining)))")
        } else {
            if alive { await deps.runtime.stop(warm, timeout: service.stopTimeout) }
            await forgetWarm(service.name)
        }
    }
}
