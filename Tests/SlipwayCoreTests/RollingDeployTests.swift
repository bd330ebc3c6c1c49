import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// `strategy: rolling` over three replicas: instances replaced in batches within `max_surge` and
/// `max_unavailable`, each new one gated before it joins the pool, each old one drained before it
/// stops; a failure midway brings the old ones back.
@Suite struct RollingDeployTests {
    private func harness(surge: Int = 1, unavailable: Int = 0, smoke: Bool = false) -> Harness {
        Harness(watch: .seconds(60)) { service in
            service.delivery.replicas = 3
            service.delivery.strategy = .rolling
            service.delivery.rolling = RollingConfig(maxSurge: surge, maxUnavailable: unavailable)
            if smoke { service.smoke = [SmokeTestConfig(kind: .http(path: "/smoke", expect: HealthExpectation()))] }
        }
    }

    /// Every table the proxy was given after the first deploy's.
    private func poolsAfterFirst(_ h: Harness) async -> [Backends?] {
        Array(await h.router.routings.map(\.1).dropFirst())
    }

    @Test(arguments: [(1, 0), (0, 1), (2, 1)])
    func everyInstanceIsReplacedWithinTheBounds(surge: Int, unavailable: Int) async throws {
        let h = harness(surge: surge, unavailable: unavailable)
        let first = try await h.deploy("v1")
        #expect(first.outcome == .succeeded)
        let v1 = h.world.startedInstances
        let second = try await h.deploy("v2")
        #expect(second.outcome == .succeeded, "\(second.message ?? "")")
        #expect(second.strategy == .rolling)
        let v2 = Array(h.world.startedInstances.dropFirst(3))
        #expect(v2.count == 3)
        #expect(h.world.aliveInstances == Set(v2), "every old instance stopped, nothing kept warm")
        #expect(v1.allSatisfy { h.world.stoppedInstances.contains($0) })
        // The pool never fell below replicas − max_unavailable; every old instance drained first.
        for pool in await poolsAfterFirst(h) {
            #expect((pool?.upstreams.count ?? 0) >= 3 - unavailable, "\(pool?.summary ?? "none")")
        }
        #expect(Set(await h.router.drained) .isSuperset(of: v1.map(\.upstream)))
        let last = await h.router.backends(of: Harness.web)
        #expect(last?.releases.count == 1 && Set(last?.upstreams ?? []) == Set(v2.map(\.upstream)))
        #expect(try await h.store.active(service: Harness.web)?.instances.count == 3)
        #expect(try await h.store.active(service: Harness.web)?.warm == nil)
        #expect(second.stages.map(\.name.rawValue).starts(with: ["validate", "build", "rollout", "switch", "drain"]))
        #expect(second.rollout?.conclusion?.contains("replaced 3 instance(s)") == true)
    }

    @Test func aNewInstanceFailingMidwayBringsTheOldOnesBack() async throws {
        let h = harness(surge: 0, unavailable: 1)
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        // The second new instance never becomes healthy; by then two old ones have been stopped.
        h.world.setHealthy(nthNext: 2, false)
        let failed = try await h.deploy("v2")
        #expect(failed.outcome == .rolledBack, "\(failed.message ?? "")")
        #expect(failed.exitCode == .smokeFailedRolledBack)
        #expect(failed.message?.contains("new-2 failed its health gate") == true, "\(failed.message ?? "")")
        let v2 = h.world.startedInstances.filter { $0.releaseID != v1[0].releaseID }
        #expect(v2.allSatisfy { !h.world.aliveInstances.contains($0) }, "every new instance stopped")
        let serving = h.world.aliveInstances
        #expect(serving.count == 3 && serving.allSatisfy { $0.releaseID == v1[0].releaseID })
        #expect(Set(await h.router.backends(of: Harness.web)?.upstreams ?? []) == Set(serving.map(\.upstream)))
        let active = try #require(try await h.store.active(service: Harness.web))
        #expect(Set(active.instances) == serving, "the record names the old release's instances as they run now")
        #expect(failed.stages.first { $0.name == .rollback }?.message?.contains("3 instance(s) of \(v1[0].releaseID) serve (2 started again)") == true)
        // Supervision goes on over the old release's instances, restarted one included.
        try await h.supervise(after: .milliseconds(20))
        #expect(try await h.controller.status().services.first?.replicas?.allSatisfy { $0.health == .healthy } == true)
    }

    @Test func aSmokeTestFailingOnTheFirstNewInstanceStopsBeforeAnyOldOneDoes() async throws {
        let h = harness(smoke: true)
        _ = try await h.deploy("v1")
        let v1 = h.world.startedInstances
        h.world.state.withLock { _ = $0.failingPaths.insert("/smoke") }
        let failed = try await h.deploy("v2")
        #expect(failed.outcome == .rolledBack)
        #expect(failed.message?.contains("smoke test failed against new-1") == true, "\(failed.message ?? "")")
        #expect(v1.allSatisfy { h.world.aliveInstances.contains($0) && !h.world.stoppedInstances.contains($0) })
        #expect(h.world.aliveInstances.count == 3)
    }

    /// The machine alone, event by event: an abort while one old instance is stopped and one new
    /// one is starting waits for both to settle, then ends with the old release whole again.
    @Test func anAbortMidwayWaitsForWhatIsUnderWayThenRestoresTheOld() {
        var service = DeploymentMachineTests.web
        service.delivery.replicas = 2
        service.delivery.strategy = .rolling
        service.delivery.rolling = RollingConfig(maxSurge: 0, maxUnavailable: 1)
        let v1 = DeploymentMachineTests.v1
        let v2 = DeploymentMachineTests.v2
        let old = [DeploymentMachineTests.instance(v1, pid: 100), DeploymentMachineTests.instance(v1, pid: 101)]
        let previous = ActiveRelease(service: "web", releaseID: v1.id, instance: old[0], previousReleaseID: nil,
                                     switchedAt: DeploymentMachineTests.at, replicas: [old[1]])
        var machine = DeploymentMachineTests.deploy(service, previous: previous)
        var actions = machine.handle(.begin)
        actions += machine.handle(.exported(DeploymentMachineTests.staged(v2)))
        actions += machine.handle(.built(DeploymentMachineTests.staged(v2)))
        actions += machine.handle(.published(v2))
        actions += machine.handle(.releaseSaved)
        #expect(actions.last == .claimRoute)
        actions += machine.handle(.routeClaimed(machine.plan.previous))
        #expect(actions.last == .wake(at: .zero))
        // One old out of the pool first (max_unavailable 1, no surge).
        let begun = machine.handle(.rolloutTimer(at: .seconds(1)))
        #expect(begun.contains(.routeRolling(old: [old[1].upstream], new: [])))
        #expect(begun.contains(.drainAndStopReplica(old[0], id: "old-1")))
        let replaced = machine.handle(.replicaStopped(id: "old-1"))
        #expect(replaced.contains(.startReplica(v2, slot: "new-1", smoke: false)))
        // A person aborts while new-1 starts: the old one stopped starts again, new-1 is awaited.
        let abort = machine.handle(.rolloutCommand(.init(id: 7, command: .abort, actor: "alice", reason: "dips", at: .seconds(2))))
        #expect(abort.contains(.restoreReplica(releaseID: v1.id, id: "old-1")))
        #expect(abort.contains(.answerRollout(id: 7, refusal: nil)))
        #expect(!abort.contains { if case .finish = $0 { true } else { false } })
        let new = DeploymentMachineTests.instance(v2, pid: 200)
        let late = machine.handle(.replicaStarted(slot: "new-1", new, failure: nil))
        #expect(late.contains(.stop(new)), "abandoned while it started: stopped, never in the pool")
        #expect(!late.contains { if case .routeRolling(_, let new) = $0 { !new.isEmpty } else { false } })
        let back = DeploymentMachineTests.instance(v1, pid: 102)
        let ended = machine.handle(.replicaRestored(id: "old-1", back, failure: nil))
        var restored = previous
        restored.instance = old[1]
        restored.replicas = [back]
        #expect(ended.contains(.switchBack(to: [old[1].upstream, back.upstream], previous: restored)))
        #expect(DeploymentMachineTests.stages(ended).starts(with: ["-rollout:failed", "+rollback", "-rollback:succeeded"]))
        #expect(ended.last == .notify(.rolledBack, failedStage: .rollout, nextStep: "see `slipway logs d-1` for the release's output"))
    }
}
