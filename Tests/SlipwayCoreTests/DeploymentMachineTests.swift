import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// The rules of one deployment, driven event by event: no process, socket, store or clock.
@Suite struct DeploymentMachineTests {
    static let web = ServiceConfig(name: "web", run: "./server")
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func release(_ version: String, id: String? = nil) -> Release {
        Release(id: id ?? "r-\(version)", service: "web", ref: version, commit: "c0ffee\(version)", version: version,
                directory: "/releases/\(id ?? "r-\(version)")", createdAt: at, buildSeconds: 0.5)
    }

    static func instance(_ release: Release, pid: Int32) -> Instance {
        Instance(service: "web", releaseID: release.id, pid: pid, port: Int(pid) + 1000, startToken: 1, logFile: "/log")
    }

    static let v1 = release("v1")
    static let v2 = release("v2")
    static let running = instance(v1, pid: 100)
    static let previous = ActiveRelease(service: "web", releaseID: v1.id, instance: running, previousReleaseID: nil, switchedAt: at)

    static func staged(_ release: Release) -> StagedRelease { StagedRelease(release: release, directory: "/staging/\(release.id)") }

    static func deploy(_ service: ServiceConfig = web, previous: ActiveRelease? = previous) -> DeploymentMachine {
        DeploymentMachine(.init(id: "d-1", kind: .deploy(ref: "v2"), service: service, previous: previous))
    }

    /// The stages a list of actions begins or ends, as `+name` and `-name:outcome`.
    static func stages(_ actions: [DeploymentMachine.Action]) -> [String] {
        actions.compactMap { action in
            switch action {
            case .beginStage(let stage): "+\(stage)"
            case .endStage(let stage, let outcome, _): "-\(stage):\(outcome.rawValue)"
            default: nil
            }
        }
    }

    static func finish(_ actions: [DeploymentMachine.Action]) -> (Deployment.Outcome, SlipwayModel.ExitStatus, String, AuditAction)? {
        for case .finish(let outcome, let exit, let message, let audit) in actions { return (outcome, exit, message, audit) }
        return nil
    }

    /// Drives a deploy of v2 over v1 up to the health gate: validate, build, start.
    static func throughStart(_ machine: inout DeploymentMachine, started: Instance) -> [DeploymentMachine.Action] {
        var actions = machine.handle(.begin)
        actions += machine.handle(.exported(staged(v2)))
        actions += machine.handle(.built(staged(v2)))
        actions += machine.handle(.published(v2))
        actions += machine.handle(.releaseSaved)
        #expect(actions.last == .claimRoute)
        actions += machine.handle(.routeClaimed(machine.plan.previous))
        actions += machine.handle(.instanceStarted(started, at: .seconds(10)))
        return actions
    }

    @Test func aDeployGoesThroughEveryStageInOrder() {
        var machine = Self.deploy()
        let new = Self.instance(Self.v2, pid: 200)
        var actions = Self.throughStart(&machine, started: new)
        #expect(actions.contains(.probe(new, after: .zero)))
        actions += machine.handle(.probed(ProbeResult(healthy: true, status: 200), at: .seconds(10)))
        #expect(actions.last == .switchTraffic(to: [new.upstream]))
        actions += machine.handle(.switched(replaced: [Self.running.upstream], at: Self.at, warm: []))
        #expect(actions.last == .drain([Self.running.upstream]))
        actions += machine.handle(.drained(left: 0))
        #expect(actions.last == .prune)
        actions += machine.handle(.pruned(removed: [], retained: 2))
        actions += machine.handle(.notified(total: 2))
        #expect(Self.stages(actions) == ["+validate", "-validate:succeeded", "+build", "-build:succeeded", "+start", "-start:succeeded",
                                         "+health", "-health:succeeded", "+switch", "-switch:succeeded", "+drain", "-drain:succeeded",
                                         "+stop", "-stop:succeeded", "+prune", "-prune:skipped", "+notify", "-notify:succeeded"])
        let end = try! #require(Self.finish(actions))
        #expect(end.0 == .succeeded && end.1 == .success && end.3 == .deploySucceeded)
        #expect(end.2 == "web now serves v2 (release r-v2)")
        #expect(machine.isFinished)
        // The replaced release stays warm for the watch: recorded at the switch, not stopped.
        let activated = actions.compactMap { if case .activate(let active, _) = $0 { active } else { nil } }
        #expect(activated.first?.warm == Self.running)
        #expect(activated.first?.warmUntil == Self.at.addingTimeInterval(60))
        #expect(!actions.contains(.stop(Self.running)))
        #expect(actions.contains(.recordRollbackDeadline))
        #expect(actions.contains(.markSwitchedBy))
    }

    @Test func aFailedCheckDiscardsTheExportAndExitsOne() {
        var service = Self.web
        service.checks = [CheckConfig(name: "unit", kind: .command("make test")), CheckConfig(name: "lint", kind: .command("make lint"))]
        var machine = Self.deploy(service)
        var actions = machine.handle(.begin) + machine.handle(.exported(Self.staged(Self.v2)))
        #expect(actions.last == .runCheck(service.checks[0], directory: "/staging/r-v2", release: Self.v2))
        actions += machine.handle(.checkPassed)
        #expect(actions.last == .runCheck(service.checks[1], directory: "/staging/r-v2", release: Self.v2))
        actions += machine.handle(.checkFailed("check \"lint\" failed"))
        #expect(actions.contains(.discard(Self.staged(Self.v2))))
        #expect(!actions.contains { if case .build = $0 { true } else { false } })
        #expect(actions.last == .notify(.failed, failedStage: .checks,
                                        nextStep: "see `slipway logs d-1`, fix what the check found and deploy again"))
        let end = try! #require(Self.finish(machine.handle(.notified(total: 1))))
        #expect(end.1 == .checksFailed)
        #expect(end.2 == "checks failed, nothing deployed: check \"lint\" failed; release r-v1 still serves")
    }

    @Test func aFailedMigrationCancelsTheBuildAndNamesTheBackup() {
        var service = Self.web
        service.database = "main"
        var machine = Self.deploy(service)
        var actions = machine.handle(.begin) + machine.handle(.exported(Self.staged(Self.v2)))
        #expect(actions.suffix(4) == [.beginStage(.build), .build(Self.staged(Self.v2), prefixed: true), .beginStage(.backup),
                                      .backUpAndMigrate(database: "main", directory: "/staging/r-v2")])
        actions = machine.handle(.backedUp("main-1"))
        #expect(actions.last == .continueMigrations(true))
        actions = machine.handle(.databaseFailed("V2__x.sql: syntax error"))
        #expect(actions.last == .cancelBuild)
        actions = machine.handle(.buildCancelled)
        #expect(Self.stages(actions) == ["-build:cancelled", "+notify"])
        #expect(actions.last == .notify(.failed, failedStage: .migrate, nextStep: "fix the migration and deploy again"))
        let end = try! #require(Self.finish(machine.handle(.notified(total: 1))))
        #expect(end.1 == .deployFailed)
        #expect(end.2.contains("backup main-1, taken before this run: `slipway db restore main main-1`"))
    }

    @Test func aBuildThatFailsFirstKeepsTheMigrationsFromRunning() {
        var service = Self.web
        service.database = "main"
        var machine = Self.deploy(service)
        _ = machine.handle(.begin) + machine.handle(.exported(Self.staged(Self.v2)))
        #expect(machine.handle(.buildFailed("exit 2")).isEmpty == false)
        let answered = machine.handle(.backedUp("main-1"))
        #expect(answered.suffix(2) == [.endStage(.migrate, .cancelled, "not run: the build failed, so the schema stays as it was"),
                                      .continueMigrations(false)])
        let ended = machine.handle(.migrationsEnded([]))
        #expect(ended.last == .notify(.failed, failedStage: .build, nextStep: "see `slipway logs d-1`, fix the build and deploy again"))
    }

    @Test func aBuildThatFailsAfterTheMigrationsNamesTheRestore() {
        var service = Self.web
        service.database = "main"
        var machine = Self.deploy(service, previous: nil)
        _ = machine.handle(.begin) + machine.handle(.exported(Self.staged(Self.v2)))
        _ = machine.handle(.backedUp("main-1"))
        _ = machine.handle(.migrationsEnded(["V2__a.sql"]))
        _ = machine.handle(.buildFailed("exit 2"))
        let end = try! #require(Self.finish(machine.handle(.notified(total: 1))))
        #expect(end.1 == .buildFailed)
        #expect(end.2 == "build failed: exit 2; meanwhile main was migrated (V2__a.sql), so the previous release serves against "
            + "the new schema; to undo the migrations: `slipway db restore main main-1`")
    }

    @Test func aReleaseThatExitsFailsItsGateWithItsStatusAndStops() {
        var machine = Self.deploy()
        let new = Self.instance(Self.v2, pid: 200)
        _ = Self.throughStart(&machine, started: new)
        let refused = ProbeResult(healthy: false, reason: "connection refused")
        #expect(machine.handle(.probed(refused, at: .seconds(10))) == [.probe(new, after: HealthGate.firstRetry)])
        let failed = machine.handle(.instanceExited("exited with status 127"))
        #expect(failed == [.unclaimExits(new), .fetchLogTail(new)])
        let stopped = machine.handle(.logTail("sh: ./server: not found"))
        #expect(stopped.first == .stop(new))
        #expect(!stopped.contains { if case .switchTraffic = $0 { true } else { false } })
        let end = try! #require(Self.finish(machine.handle(.notified(total: 1))))
        #expect(end.1 == .deployFailed)
        #expect(end.2 == "deploy failed: the release exited with status 127 before it became healthy; last probe: connection refused; "
            + "release r-v1 still serves")
    }

    @Test func aGateGivesUpAtTheStartTimeout() {
        var machine = Self.deploy()
        let new = Self.instance(Self.v2, pid: 200)
        _ = Self.throughStart(&machine, started: new)
        let failing = ProbeResult(healthy: false, status: 500)
        let late = Self.web.health.startTimeout + .seconds(10)
        #expect(machine.handle(.probed(failing, at: late)) == [.unclaimExits(new), .fetchLogTail(new)])
    }

    @Test func aFailedSmokeTestSwitchesBackToThePreviousRelease() {
        var service = Self.web
        service.smoke = [SmokeTestConfig(kind: .http(path: "/ready", expect: HealthExpectation()))]
        var machine = Self.deploy(service)
        let new = Self.instance(Self.v2, pid: 200)
        _ = Self.throughStart(&machine, started: new)
        _ = machine.handle(.probed(ProbeResult(healthy: true), at: .seconds(10)))
        let switched = machine.handle(.switched(replaced: [Self.running.upstream], at: Self.at, warm: []))
        #expect(switched.last == .runSmokeTest(service.smoke[0], release: Self.v2, instance: new))
        #expect(machine.handle(.smokeFailed("smoke test GET /ready failed: status 500")).last == .checkAlive(Self.running))
        #expect(machine.handle(.previousAlive(true)) == [.switchBack(to: [Self.running.upstream], previous: Self.previous),
                                                           .drain([new.upstream])])
        let back = machine.handle(.drained(left: 0))
        #expect(back.first == .stop(new))
        let end = try! #require(Self.finish(machine.handle(.notified(total: 2))))
        #expect(end.0 == .rolledBack && end.1 == .smokeFailedRolledBack && end.3 == .deployRolledBack)
    }

    @Test func aSmokeFailureWithThePreviousReleaseGoneIsCritical() {
        var service = Self.web
        service.smoke = [SmokeTestConfig(kind: .command("./smoke.sh"))]
        var machine = Self.deploy(service)
        _ = Self.throughStart(&machine, started: Self.instance(Self.v2, pid: 200))
        _ = machine.handle(.probed(ProbeResult(healthy: true), at: .seconds(10)))
        _ = machine.handle(.switched(replaced: [Self.running.upstream], at: Self.at, warm: []))
        _ = machine.handle(.smokeFailed("exit 1"))
        let gone = machine.handle(.previousAlive(false))
        #expect(gone.last == .notify(.critical, failedStage: .smoke, nextStep: "act now: check `slipway status web`"))
        let end = try! #require(Self.finish(machine.handle(.notified(total: 2))))
        #expect(end.1 == .rollbackFailed && end.3 == .rollbackCritical)
    }

    @Test func aRollbackToAWarmReleaseIsOneProbeAndASwitch() {
        let warm = Self.running
        let current = ActiveRelease(service: "web", releaseID: Self.v2.id, instance: Self.instance(Self.v2, pid: 200),
                                    previousReleaseID: Self.v1.id, switchedAt: Self.at, warm: warm,
                                    warmUntil: Self.at.addingTimeInterval(60))
        var machine = DeploymentMachine(.init(id: "d-2", kind: .rollback(to: Self.v1), service: Self.web, previous: current))
        #expect(machine.handle(.begin) == [.beginStage(.start), .probeWarm([warm])])
        let gate = machine.handle(.warmProbed(alive: true, ProbeResult(healthy: true), at: .seconds(5)))
        #expect(!gate.contains(.start(Self.v1)))
        #expect(gate.last == .probe(warm, after: .zero))
        // healthy_threshold is 1 for a warm instance: one more success passes.
        let passed = machine.handle(.probed(ProbeResult(healthy: true), at: .seconds(5)))
        #expect(passed.last == .switchTraffic(to: [warm.upstream]))
        _ = machine.handle(.switched(replaced: current.instances.map(\.upstream), at: Self.at, warm: [warm]))
        let drained = machine.handle(.drained(left: 0))
        // The warm instance now serves: it is not the "older warm" one to stop.
        #expect(!drained.contains(.stop(warm)))
        let end = try! #require(Self.finish(drained))
        #expect(end.1 == .success && end.3 == .rollbackSucceeded)
        #expect(!drained.contains { if case .notify = $0 { true } else { false } })
    }

    @Test func aWarmInstanceThatFailsItsProbeIsStoppedAndTheReleaseStarted() {
        let current = ActiveRelease(service: "web", releaseID: Self.v2.id, instance: Self.instance(Self.v2, pid: 200),
                                    previousReleaseID: Self.v1.id, switchedAt: Self.at, warm: Self.running)
        var machine = DeploymentMachine(.init(id: "d-2", kind: .rollback(to: Self.v1), service: Self.web, previous: current))
        _ = machine.handle(.begin)
        let restarted = machine.handle(.warmProbed(alive: true, ProbeResult(healthy: false, status: 500), at: .seconds(5)))
        #expect(restarted.suffix(3) == [.stop(Self.running), .forgetWarm, .start(Self.v1)])
    }

    @Test func anAutomaticRollbackStopsTheUnhealthyReleaseAndMarksItsDeployment() {
        let current = ActiveRelease(service: "web", releaseID: Self.v2.id, instance: Self.instance(Self.v2, pid: 200),
                                    previousReleaseID: Self.v1.id, switchedAt: Self.at)
        var machine = DeploymentMachine(.init(id: "d-3", kind: .automaticRollback(to: Self.v1, reason: "3 failed probes", switchedBy: "d-1"),
                                              service: Self.web, previous: current))
        _ = machine.handle(.begin)
        let back = Self.instance(Self.v1, pid: 300)
        _ = machine.handle(.instanceStarted(back, at: .zero))
        _ = machine.handle(.probed(ProbeResult(healthy: true), at: .zero))
        let switched = machine.handle(.switched(replaced: current.instances.map(\.upstream), at: Self.at, warm: []))
        let activated = switched.compactMap { if case .activate(let active, _) = $0 { active } else { nil } }
        #expect(activated.first?.warmUntil == Self.at, "not kept warm: it is unhealthy")
        let done = machine.handle(.drained(left: 0))
        #expect(done.contains(.stop(current.instance!)) && done.contains(.forgetWarm))
        #expect(done.contains(.markRolledBack(deployment: "d-1", reason: "3 failed probes")) && done.contains(.endWatch))
        #expect(Self.finish(done)?.3 == .rollbackAutomaticSucceeded)
    }

    @Test func anEventOutOfPlaceChangesNothing() {
        var machine = Self.deploy()
        _ = machine.handle(.begin)
        #expect(machine.handle(.drained(left: 0)).isEmpty)
        #expect(machine.handle(.smokePassed).isEmpty)
        #expect(machine.currentPhase == .validating)
    }

    @Test func everyPhaseIsDrawnInTheArchitectureDocument() throws {
        let document = try String(contentsOfFile: #filePath.components(separatedBy: "/Tests/").first! + "/docs/ARCHITECTURE.md",
                                  encoding: .utf8)
        for phase in DeploymentMachine.Phase.allCases {
            #expect(document.contains("`\(phase.rawValue)`"), "docs/ARCHITECTURE.md does not draw the phase \(phase.rawValue)")
        }
    }
}
