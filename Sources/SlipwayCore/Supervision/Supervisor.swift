import Foundation
import SlipwayModel

/// Keeps what runs running, between deployments: probes each live release every `interval`,
/// restarts a crashed one with backoff, rolls back a release that turns unhealthy within its
/// watch, and retires the warm release when the watch ends. The rules are `ServiceLife`'s; this
/// performs the jobs and effects it asks for.
struct Supervisor: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable
    let runner: DeploymentRunner
    /// How often the loop looks for due probes, restarts and retirements.
    let tick: Duration

    /// Supervises until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await exit in deps.runtime.exits {
                    await handle(exit)
                }
            }
            group.addTask {
                await withDiscardingTaskGroup { work in
                    while !Task.isCancelled {
                        await startDueJobs(in: &work)
                        do { try await deps.clock.sleep(for: tick) } catch { break }
                    }
                }
            }
        }
    }

    /// Performs every job due now and returns when they have ended: one turn of the loop.
    func superviseOnce() async {
        await withDiscardingTaskGroup { work in await startDueJobs(in: &work) }
    }

    /// Each job due now, started beside the others: a restart's health gate must not hold up a probe.
    private func startDueJobs(in work: inout DiscardingTaskGroup) async {
        for (service, job) in await table.takeDueJobs() {
            work.addTask { await perform(job, of: service) }
        }
        // Deployments that waited for approvals, a wait timer or a freeze and are due now.
        for waited in await runner.pending.claimDue() {
            work.addTask { await runner.startApproved(waited) }
        }
    }

    func perform(_ job: ServiceLife.Job, of service: ServiceKey) async {
        switch job {
        case .probe(let instances):
            guard let config = table.config(service) else { break }
            let results = await withTaskGroup(of: (Instance, ProbeResult).self) { group in
                for instance in instances {
                    group.addTask { (instance, await deps.probe.probe(instance.upstream, check: config.health)) }
                }
                return await group.reduce(into: [Instance: ProbeResult]()) { $0[$1.0] = $1.1 }
            }
            for instance in instances {
                guard let result = results[instance] else { continue }
                await apply(await table.probed(instance, result), service: service)
            }
        case .restart(let active, let slot):
            await restart(service, active, slot: slot)
        case .retire(let warm):
            await retire(service, warm)
        }
        await table.jobEnded(service)
    }

    /// An instance exited: what follows for its service (a crash, a warm release gone).
    func handle(_ exit: InstanceExit) async {
        await apply(await table.exited(exit), service: exit.instance.key)
    }

    private func apply(_ effects: [ServiceLife.Effect], service: ServiceKey) async {
        for effect in effects {
            switch effect {
            case .audit(let action, let detail):
                await deps.audit(action, service: service, detail)
            case .rollBack(let reason):
                await runner.automaticRollback(service, reason: reason)
            case .route(let upstreams):
                await route(service, upstreams)
            case .record(let active):
                await deps.record(active)
            }
        }
    }

    /// Where the serving release's requests go now; during a rollout, the deployment routes them
    /// (beside its new release), told what serves now.
    func route(_ service: ServiceKey, _ upstreams: [Upstream]) async {
        if await table.routedByDeployment(service) {
            await runner.rollouts.post(.baselineChanged(await table.active(service), routed: upstreams), to: service)
        } else {
            await deps.router.route(service: service, to: table.config(service)?.backends(upstreams))
        }
    }

    /// The watch ended: stop the warm instances; a later rollback starts their release again.
    private func retire(_ service: ServiceKey, _ warm: [Instance]) async {
        guard let first = warm.first, let entry = await table.entry(service), entry.lock?.ownsRoute != true,
              entry.life.active?.warmInstances == warm else { return }
        for instance in warm { await deps.runtime.stop(instance, timeout: entry.config.stopTimeout) }
        if let active = await table.forgetWarm(service) { await deps.record(active) }
        await deps.audit(.releaseRetired, service: service,
                         "stopped release \(first.releaseID) (\(DeploymentMachine.pids(warm))), kept warm until the watch of "
                            + "\(entry.life.active?.releaseID ?? "-") ended")
    }
}
