import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// The rules of a serving release between deployments, event by event, with the clock as a number.
@Suite struct ServiceLifeTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)
    static let config = ServiceConfig(name: "web", run: "./server",
                                      health: HealthCheckConfig(path: "/health", interval: .seconds(1), unhealthyThreshold: 2),
                                      watch: .seconds(60))

    static func instance(_ release: String, pid: Int32) -> Instance {
        Instance(service: "web", releaseID: release, pid: pid, port: Int(pid), startToken: 1, logFile: "/log")
    }

    static let v1 = instance("r1", pid: 100)
    static let v2 = instance("r2", pid: 200)
    static let failing = ProbeResult(healthy: false, status: 503)

    /// v2 serving since t=10s, v1 kept warm until the watch ends.
    static func serving() -> ServiceLife {
        var life = ServiceLife(config: config)
        let active = ActiveRelease(service: "web", releaseID: "r2", instance: v2, previousReleaseID: "r1", switchedAt: date,
                                   warm: v1, warmUntil: date.addingTimeInterval(60))
        life.activate(active, startedAt: .seconds(9), now: .seconds(10), date: date)
        return life
    }

    @Test func probesComeEveryIntervalAndTheWarmReleaseRetiresWhenTheWatchEnds() {
        var life = Self.serving()
        #expect(life.dueJob(now: .seconds(10)) == nil)
        #expect(life.dueJob(now: .seconds(11)) == .probe([Self.v2]))
        #expect(life.dueJob(now: .seconds(11)) == nil, "the next probe is an interval later")
        #expect(life.dueJob(now: .seconds(70)) == .retire([Self.v1]))
        #expect(life.forgetWarm()?.warm == nil)
        #expect(life.dueJob(now: .seconds(70)) == .probe([Self.v2]))
    }

    @Test func turningUnhealthyWithinTheWatchAsksForARollback() {
        var life = Self.serving()
        #expect(life.probed(Self.v2, Self.failing, now: .seconds(11)).isEmpty)
        let effects = life.probed(Self.v2, Self.failing, now: .seconds(12))
        #expect(effects.count == 2)
        #expect(effects.last == .rollBack(reason: "2 consecutive failed probes; last: status 503"))
        #expect(life.healthStatus == .unhealthy)
    }

    @Test func turningUnhealthyAfterTheWatchIsOnlyAudited() {
        var life = Self.serving()
        _ = life.probed(Self.v2, Self.failing, now: .seconds(80))
        let effects = life.probed(Self.v2, Self.failing, now: .seconds(81))
        #expect(effects == [.audit(.healthUnhealthy, "release r2 is unhealthy: 2 consecutive failed probes; last: status 503")])
        #expect(life.probed(Self.v2, ProbeResult(healthy: true), now: .seconds(82)) == [.audit(.healthRecovered, "release r2 is healthy again")])
    }

    @Test func aProbeOfAnInstanceNoLongerServingIsIgnored() {
        var life = Self.serving()
        #expect(life.probed(Self.v1, Self.failing, now: .seconds(11)).isEmpty)
        #expect(life.probed(Self.v1, Self.failing, now: .seconds(12)).isEmpty)
        #expect(life.healthStatus == .healthy)
    }

    @Test func aCrashIsRestartedAfterABackoffThatDoublesAndResetsAfterAMinuteUp() {
        var life = Self.serving()
        let crash = InstanceExit(instance: Self.v2, status: 1, signal: nil, requested: false)
        let effects = life.exited(crash, now: .seconds(20), deploying: false)
        #expect(effects.first == .route([]), "nothing left to route to: 503 until it is back")
        #expect(effects.last == .audit(.releaseCrashed, "release r2 (pid 200) exited with status 1; restarting in 500ms"))
        #expect(life.healthStatus == .down)
        #expect(life.dueJob(now: .milliseconds(20_400)) == nil)
        guard case .restart(let active, let slot) = life.dueJob(now: .milliseconds(20_500)) else {
            Issue.record("no restart due")
            return
        }
        #expect(active.releaseID == "r2" && slot == 0)
        life.restartFailed(slot: 0, now: .seconds(21))
        #expect(life.dueJob(now: .milliseconds(21_999)) == nil, "the second try waits twice as long")
        #expect(life.dueJob(now: .seconds(22)) != nil)
        let restarted = Self.instance("r2", pid: 201)
        let now = life.restarted(slot: 0, as: restarted, startedAt: .seconds(22), now: .seconds(22))
        #expect(now?.instance == restarted)
        #expect(life.restarts == 1)
        #expect(life.routed == [restarted.upstream])
        // Up for more than a minute: the next crash starts the backoff again.
        let again = InstanceExit(instance: restarted, status: 1, signal: nil, requested: false)
        #expect(life.exited(again, now: .seconds(90), deploying: false).last
            == .audit(.releaseCrashed, "release r2 (pid 201) exited with status 1; restarting in 500ms"))
    }

    @Test func aCrashDuringADeploymentLeavesTheRouteToIt() {
        var life = Self.serving()
        let crash = InstanceExit(instance: Self.v2, status: nil, signal: 9, requested: false)
        #expect(!life.exited(crash, now: .seconds(20), deploying: true).contains(.route([])))
    }

    @Test func theWarmReleaseExitingIsForgottenAndRecorded() {
        var life = Self.serving()
        let exit = InstanceExit(instance: Self.v1, status: 0, signal: nil, requested: false)
        let effects = life.exited(exit, now: .seconds(20), deploying: false)
        guard case .record(let recorded) = effects.first else {
            Issue.record("the active release is not recorded without its warm instance")
            return
        }
        #expect(recorded.warm == nil && recorded.warmUntil == nil)
        #expect(life.dueJob(now: .seconds(70)) == .probe([Self.v2]), "nothing left to retire")
    }

    @Test func aRequestedExitChangesNothing() {
        var life = Self.serving()
        #expect(life.exited(InstanceExit(instance: Self.v2, status: 0, signal: nil, requested: true), now: .seconds(20),
                            deploying: false).isEmpty)
        #expect(life.healthStatus == .healthy)
    }

    /// Three replicas of r2 (pids 200, 201, 202), r1's three warm.
    private static func replicas() -> ServiceLife {
        var life = ServiceLife(config: Self.config)
        let warm = [Self.v1, Self.instance("r1", pid: 101), Self.instance("r1", pid: 102)]
        let active = ActiveRelease(service: "web", releaseID: "r2", instance: Self.v2, previousReleaseID: "r1", switchedAt: Self.date,
                                   warm: warm[0], warmUntil: Self.date.addingTimeInterval(60),
                                   replicas: [Self.instance("r2", pid: 201), Self.instance("r2", pid: 202)],
                                   warmReplicas: Array(warm.dropFirst()))
        life.activate(active, startedAt: .seconds(9), now: .seconds(10), date: Self.date)
        return life
    }

    @Test func anUnhealthyReplicaLeavesThePoolAndComesBackWithoutRollingTheReleaseBack() throws {
        var life = Self.replicas()
        let third = Self.instance("r2", pid: 202)
        let all = [Self.v2.upstream, Self.instance("r2", pid: 201).upstream, third.upstream]
        #expect(life.routed == all)
        // Each replica is probed in its turn.
        #expect(life.dueJob(now: .seconds(11)) == .probe([Self.v2, Self.instance("r2", pid: 201), third]))
        #expect(life.dueJob(now: .seconds(11)) == nil)
        #expect(life.probed(third, Self.failing, now: .seconds(11)).isEmpty)
        let effects = life.probed(third, Self.failing, now: .seconds(12))
        #expect(effects.contains(.route(Array(all.prefix(2)))))
        #expect(!effects.contains { if case .rollBack = $0 { true } else { false } }, "two of three still answer: within the watch, no rollback")
        #expect(life.healthStatus == .healthy)
        #expect(life.replicaHealth == [.healthy, .healthy, .unhealthy])
        let back = life.probed(third, ProbeResult(healthy: true), now: .seconds(13))
        #expect(back == [.audit(.healthRecovered, "replica 3 of release r2 is healthy again; back in the pool"), .route(all)])
    }

    @Test func theReleaseRollsBackWhenMostOfItsReplicasAreUnhealthyWithinTheWatch() {
        var life = Self.replicas()
        let second = Self.instance("r2", pid: 201)
        _ = life.probed(Self.v2, Self.failing, now: .seconds(11))
        #expect(!life.probed(Self.v2, Self.failing, now: .seconds(12)).contains { if case .rollBack = $0 { true } else { false } })
        _ = life.probed(second, Self.failing, now: .seconds(11))
        let effects = life.probed(second, Self.failing, now: .seconds(12))
        #expect(effects.contains { if case .rollBack = $0 { true } else { false } })
        #expect(life.healthStatus == .unhealthy)
    }

    @Test func aCrashedReplicaLeavesThePoolAndIsRestartedInItsSlot() throws {
        var life = Self.replicas()
        let second = Self.instance("r2", pid: 201)
        let third = Self.instance("r2", pid: 202)
        let effects = life.exited(InstanceExit(instance: second, status: 1, signal: nil, requested: false), now: .seconds(20), deploying: false)
        #expect(effects.first == .route([Self.v2.upstream, third.upstream]))
        #expect(effects.last == .audit(.releaseCrashed, "replica 2 of release r2 (pid 201) exited with status 1; restarting in 500ms"))
        #expect(life.healthStatus == .healthy)
        guard case .restart(_, let slot) = life.dueJob(now: .milliseconds(20_500)) else {
            Issue.record("no restart due")
            return
        }
        #expect(slot == 1)
        let again = Self.instance("r2", pid: 203)
        let restarted = life.restarted(slot: 1, as: again, startedAt: .seconds(21), now: .seconds(21))
        let active = try #require(restarted)
        #expect(active.instances == [Self.v2, again, third])
        #expect(life.routed == [Self.v2.upstream, again.upstream, third.upstream])
    }

    @Test func everyWarmReplicaIsRetiredAtOnceAndOneExitingIsForgottenAlone() {
        var life = Self.replicas()
        let effects = life.exited(InstanceExit(instance: Self.instance("r1", pid: 101), status: 0, signal: nil, requested: false),
                                  now: .seconds(20), deploying: false)
        guard case .record(let recorded) = effects.first else {
            Issue.record("not recorded")
            return
        }
        #expect(recorded.warmInstances == [Self.v1, Self.instance("r1", pid: 102)])
        _ = life.dueJob(now: .seconds(69))
        #expect(life.dueJob(now: .seconds(70)) == .retire([Self.v1, Self.instance("r1", pid: 102)]))
    }

    @Test func theExitLedgerKeepsAGateExitAndTheLastUnclaimedOnes() {
        var ledger = ExitLedger()
        ledger.claim(Self.v2)
        ledger.note(InstanceExit(instance: Self.v2, status: 127, signal: nil, requested: false), serving: false)
        #expect(ledger.summary(of: Self.v2) == "exited with status 127")
        let early = Self.instance("r3", pid: 300)
        ledger.note(InstanceExit(instance: early, status: 2, signal: nil, requested: false), serving: false)
        #expect(ledger.summary(of: early) == "exited with status 2", "reported before its gate claimed it")
        for pid in 400..<410 {
            ledger.note(InstanceExit(instance: Self.instance("r4", pid: Int32(pid)), status: 1, signal: nil, requested: false),
                        serving: false)
        }
        #expect(ledger.summary(of: early) == nil, "only the last eight unclaimed exits are kept")
        ledger.release(Self.v2)
        #expect(ledger.summary(of: Self.v2) == nil)
    }
}
