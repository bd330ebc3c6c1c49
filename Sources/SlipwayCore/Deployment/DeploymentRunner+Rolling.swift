import SlipwayModel

/// A rolling replacement's actions: each new instance started and gated (the first smoke-tested)
/// in a side task of its own, each old one drained and stopped in another, each old one brought
/// back on the failure path; several at once, each answering when it ends. The pool is routed as
/// the machine says.
extension DeploymentRunner {
    func performRolling(_ action: DeploymentMachine.Action, plan: DeploymentMachine.Plan, recorder: DeploymentRecorder,
                        side: SideWork, group: inout TaskGroup<Void>) async {
        let service = plan.service
        switch action {
        case .startReplica(let release, let slot, let smoke):
            group.addTask {
                let (instance, failure) = await self.startGated(release, service: service)
                guard let instance, failure == nil, smoke else {
                    return side.post(.replicaStarted(slot: slot, instance, failure: failure))
                }
                for test in service.smoke {
                    if let failed = await self.runSmokeTest(test, release: release, instance: instance, recorder: recorder) {
                        return side.post(.replicaStarted(slot: slot, instance, failure: "smoke test failed against \(slot): \(failed)"))
                    }
                }
                recorder.log("\(service.smoke.count) smoke test(s) passed against \(slot)")
                side.post(.replicaStarted(slot: slot, instance, failure: nil))
            }
        case .drainAndStopReplica(let instance, let id):
            group.addTask {
                let left = await self.deps.router.drain(instance.upstream, timeout: service.drainTimeout)
                if left > 0 { recorder.log("\(id): \(left) request(s) still in flight after drain_timeout") }
                await self.deps.runtime.stop(instance, timeout: service.stopTimeout)
                side.post(.replicaStopped(id: id))
            }
        case .restoreReplica(let releaseID, let id):
            group.addTask {
                guard let release = try? await self.deps.store.releases(service: service.key).first(where: { $0.id == releaseID }) else {
                    return side.post(.replicaRestored(id: id, nil, failure: "release \(releaseID) is no longer retained"))
                }
                let (instance, failure) = await self.startGated(release, service: service)
                side.post(.replicaRestored(id: id, instance, failure: failure))
            }
        case .routeRolling(let old, let new):
            // In order, before the next action: an instance leaves the pool before its drain begins.
            await deps.router.route(service: service.key, to: Self.rollingBackends(old: old, new: new, service: service))
        default:
            break
        }
    }

    /// Starts one instance of `release` and gates it; the instance (nil when it did not start) and
    /// why it failed, nil when healthy.
    private func startGated(_ release: Release, service: ServiceConfig) async -> (Instance?, String?) {
        let instance: Instance
        do {
            instance = try await deps.runtime.start(release, service: service)
        } catch {
            return (nil, describe(error))
        }
        let gate = GateRun(deps: deps, table: table)
        guard let failure = await gate.waitUntilHealthy(instance, service: service, startedAt: deps.clock.now) else { return (instance, nil) }
        let tail = await deps.runtime.logTail(instance, lines: 20)
        return (instance, tail.isEmpty ? failure : "\(failure)\nlast lines of the release's log:\n\(tail)")
    }

    /// Both releases side by side, each weighted by its instances in the pool.
    static func rollingBackends(old: [Upstream], new: [Upstream], service: ServiceConfig) -> Backends? {
        let releases = [old, new].compactMap { upstreams -> ReleaseBackends? in
            guard let first = upstreams.first else { return nil }
            return ReleaseBackends(releaseID: first.releaseID, upstreams: upstreams, weight: upstreams.count)
        }
        guard !releases.isEmpty else { return nil }
        return Backends(releases: releases, balance: service.delivery.balance, sticky: service.delivery.sticky)
    }
}
