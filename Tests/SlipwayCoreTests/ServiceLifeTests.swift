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
        #expect(life.dueJob(now: .seconds(11)) == .probe(Self.v2))
        #expect(life.dueJob(now: .seconds(11)) == nil, "the next probe is an interval later")
        #expect(life.dueJob(now: .seconds(70)) == .retire(Self.v1))
        #expect(life.forgetWarm()?.warm == nil)
        #expect(life.dueJob(now: .seconds(70)) == .probe(Self.v2))
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
        #expect(effects.first == .routeNowhere)
        #expect(effects.last == .audit(.releaseCrashed, "release r2 (pid 200) exited with status 1; restarting in 500ms"))
        #expect(life.healthStatus == .down)
        #expect(life.dueJob(now: .milliseconds(20_400)) == nil)
        guard case .restart(let active) = life.dueJob(now: .milliseconds(20_500)) else {
            Issue.record("no restart due")
            return
        }
        #expect(active.releaseID == "r2")
        life.restartFailed(now: .seconds(21))
        #expect(life.dueJob(now: .milliseconds(21_999)) == nil, "the second try waits twice as long")
        #expect(life.dueJob(now: .seconds(22)) != nil)
        var restarted = active
        restarted.instance = Self.instance("r2", pid: 201)
        life.restarted(restarted, startedAt: .seconds(22), now: .seconds(22), date: Self.date)
        #expect(life.restarts == 1)
        // Up for more than a minute: the next crash starts the backoff again.
        let again = InstanceExit(instance: restarted.instance!, status: 1, signal: nil, requested: false)
        #expect(life.exited(again, now: .seconds(90), deploying: false).last
            == .audit(.releaseCrashed, "release r2 (pid 201) exited with status 1; restarting in 500ms"))
    }

    @Test func aCrashDuringADeploymentLeavesTheRouteToIt() {
        var life = Self.serving()
        let crash = InstanceExit(instance: Self.v2, status: nil, signal: 9, requested: false)
        #expect(!life.exited(crash, now: .seconds(20), deploying: true).contains(.routeNowhere))
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
        #expect(life.dueJob(now: .seconds(70)) == .probe(Self.v2), "nothing left to retire")
    }

    @Test func aRequestedExitChangesNothing() {
        var life = Self.serving()
        #expect(life.exited(InstanceExit(instance: Self.v2, status: 0, signal: nil, requested: true), now: .seconds(20),
                            deploying: false).isEmpty)
        #expect(life.healthStatus == .healthy)
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
