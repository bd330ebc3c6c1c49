import Foundation
import SlipwayModel

extension DeploymentController {
    /// Supervises until cancelled: restarts crashed releases with backoff, probes live releases,
    /// and rolls back automatically a release that turns unhealthy within its watch period.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await exit in self.deps.runtime.exits {
                    await self.handleExit(exit)
                }
            }
            group.addTask {
                await withDiscardingTaskGroup { work in
                    while !Task.isCancelled {
                        for job in await self.dueJobs() {
                            work.addTask { await self.perform(job) }
                        }
                        do { try await self.deps.clock.sleep(for: self.tick) } catch { break }
                    }
                }
            }
        }
    }

    enum Job: Sendable {
        case probe(String, Instance)
        case restart(String)
        /// The watch ended: stop the warm instance of the release the active one replaced.
        case retire(String)
    }

    /// What the supervision loop should start now; marks those services busy.
    func dueJobs() -> [Job] {
        let now = deps.clock.now
        var jobs: [Job] = []
        for (name, state) in services where !state.busy && state.lock == nil {
            if let retireAt = state.warmRetireAt, retireAt <= now {
                services[name]?.busy = true
                jobs.append(.retire(name))
            } else if let restartAt = state.restartAt {
                if restartAt <= now {
                    services[name]?.busy = true
                    jobs.append(.restart(name))
                }
            } else if let instance = state.active?.instance, state.nextProbeAt <= now {
                services[name]?.busy = true
                services[name]?.nextProbeAt = now + state.config.health.interval
                jobs.append(.probe(name, instance))
            }
        }
        return jobs
    }

    func perform(_ job: Job) async {
        switch job {
        case .probe(let service, let instance):
            guard let check = services[service]?.config.health else { return }
            let result = await deps.probe.probe(instance.upstream, check: check)
            await applyProbe(service, instance: instance, result: result)
        case .restart(let service):
            await restart(service)
        case .retire(let service):
            await retireWarm(service)
        }
        services[jobService(job)]?.busy = false
    }

    private func jobService(_ job: Job) -> String {
        switch job {
        case .probe(let service, _), .restart(let service), .retire(let service): service
        }
    }

    func applyProbe(_ service: String, instance: Instance, result: ProbeResult) async {
        // A deployment may have switched away while the probe ran.
        guard var state = services[service], state.active?.instance == instance, state.lock == nil else { return }
        let transition = state.health.record(result)
        services[service] = state
        switch transition {
        case .none:
            return
        case .recovered:
            await audit(.healthRecovered, service: service, "release \(instance.releaseID) is healthy again")
        case .becameUnhealthy(let reason):
            let watching = state.watchUntil.map { deps.clock.now <= $0 } ?? false
            await audit(.healthUnhealthy, service: service,
                        "release \(instance.releaseID) is unhealthy: \(reason)" + (watching ? " (within its watch period)" : ""))
            if watching {
                await automaticRollback(service, reason: reason)
            }
        }
    }

    /// An instance exited. The active one exiting unasked is a crash: schedule a restart with backoff.
    func handleExit(_ exit: InstanceExit) async {
        let service = exit.instance.service
        if services[service]?.starting.contains(exit.instance) == true {
            services[service]?.startingExits[exit.instance] = exit.summary
        } else if !exit.requested, services[service]?.active?.instance != exit.instance,
                  services[service]?.active?.warm != exit.instance {
            services[service]?.rememberUnclaimedExit(exit.instance, exit.summary)
        }
        if !exit.requested, services[service]?.active?.warm == exit.instance {
            await warmExited(exit)
            return
        }
        guard !exit.requested, var state = services[service], state.active?.instance == exit.instance else { return }
        let uptime = deps.clock.now - state.instanceStartedAt
        let delay = state.backoff.nextDelay(afterUptime: uptime)
        state.restartAt = deps.clock.now + delay
        state.health = LiveHealth(unhealthyThreshold: state.config.health.unhealthyThreshold, status: .down)
        services[service] = state
        // Mid-deployment the flow owns the router; it either switches away or leaves the restart due.
        if state.lock == nil {
            await deps.router.switchTraffic(service: service, to: nil)
        }
        await audit(.releaseCrashed, service: service,
                    "release \(exit.instance.releaseID) (pid \(exit.instance.pid)) \(exit.summary); restarting in \(DurationText.format(delay))")
    }

    /// Starts the active release again (same directory, no rebuild) and routes to it once healthy.
    func restart(_ service: String) async {
        guard let state = services[service], let active = state.active else { return }
        guard (try? acquire(service, ServiceLock(deploymentID: nil, actor: "slipway", what: "restart of \(active.releaseID)"))) != nil else { return }
        defer { release(service) }
        let config = state.config
        do {
            guard let release = try await deps.store.releases(service: service).first(where: { $0.id == active.releaseID }) else {
                services[service]?.restartAt = nil
                await audit(.releaseRestartFailed, service: service, "release \(active.releaseID) is no longer retained")
                return
            }
            let instance = try await deps.runtime.start(release, service: config)
            let startedAt = deps.clock.now
            switch await waitUntilHealthy(instance, service: config, startedAt: startedAt) {
            case .healthy:
                var restarted = active
                restarted.instance = instance
                try await deps.store.setActive(restarted)
                await deps.router.switchTraffic(service: service, to: instance.upstream)
                let watchUntil = services[service]?.watchUntil
                activate(restarted, startedAt: startedAt)
                services[service]?.watchUntil = watchUntil
                services[service]?.restarts += 1
                await audit(.releaseRestarted, service: service, "release \(release.id) restarted as pid \(instance.pid) on port \(instance.port)")
            case .failed(let reason):
                await deps.runtime.stop(instance, timeout: config.stopTimeout)
                scheduleRetry(service)
                await audit(.releaseRestartFailed, service: service, "release \(release.id) did not come back: \(reason)")
            }
        } catch {
            scheduleRetry(service)
            await audit(.releaseRestartFailed, service: service, "release \(active.releaseID) could not start: \(Self.describe(error))")
        }
    }

    private func scheduleRetry(_ service: String) {
        guard var state = services[service] else { return }
        state.restartAt = deps.clock.now + state.backoff.nextDelay(afterUptime: .zero)
        services[service] = state
    }
}
