import Foundation
import SlipwayCore
import SlipwayModel
import Testing

/// A static site's `publish:` steps: after the switch and the smoke tests, in order; a failure
/// rolls the site back like a smoke test, and the record names the step.
@Suite struct PublishStepTests {
    typealias M = DeploymentMachineTests

    static let upload = PublishStep(kind: .command("./upload.sh"))
    static let purge = PublishStep(kind: .purge(url: "https://cdn.example/purge", method: "POST", headers: []))

    static func site(smoke: [SmokeTestConfig] = []) -> ServiceConfig {
        var service = M.web
        service.runtime = .staticSite
        service.staticSite = StaticSiteConfig(root: "dist")
        service.publish = [upload, purge]
        service.smoke = smoke
        return service
    }

    static func switched(_ machine: inout DeploymentMachine, new: Instance) -> [DeploymentMachine.Action] {
        _ = M.throughStart(&machine, started: new)
        _ = machine.handle(.probed(ProbeResult(healthy: true), at: .seconds(10)))
        return machine.handle(.switched(replaced: [M.running.upstream], at: M.at, warm: []))
    }

    @Test func publishStepsRunInOrderAfterTheSwitchThenTheDrain() {
        var machine = M.deploy(Self.site())
        let new = M.instance(M.v2, pid: 200)
        var actions = Self.switched(&machine, new: new)
        #expect(actions.last == .runPublishStep(Self.upload, release: M.v2, instance: new))
        #expect(machine.currentPhase == .publishingSite)
        actions += machine.handle(.publishStepPassed)
        #expect(actions.last == .runPublishStep(Self.purge, release: M.v2, instance: new))
        actions += machine.handle(.publishStepPassed)
        #expect(actions.last == .drain([M.running.upstream]))
        #expect(M.stages(actions).contains("-publish:succeeded"))
        let stages = M.stages(actions)
        #expect(stages.firstIndex(of: "-switch:succeeded")! < stages.firstIndex(of: "+publish")!)
        #expect(stages.firstIndex(of: "-publish:succeeded")! < stages.firstIndex(of: "+drain")!)
    }

    @Test func publishWaitsForTheSmokeTests() {
        let smoke = SmokeTestConfig(kind: .http(path: "/", expect: HealthExpectation()))
        var machine = M.deploy(Self.site(smoke: [smoke]))
        let new = M.instance(M.v2, pid: 200)
        #expect(Self.switched(&machine, new: new).last == .runSmokeTest(smoke, release: M.v2, instance: new))
        let passed = machine.handle(.smokePassed)
        #expect(M.stages(passed) == ["-smoke:succeeded", "+publish"])
        #expect(passed.last == .runPublishStep(Self.upload, release: M.v2, instance: new))
    }

    @Test func aFailedPublishStepRollsTheSiteBackAndNamesTheStep() {
        var machine = M.deploy(Self.site())
        let new = M.instance(M.v2, pid: 200)
        _ = Self.switched(&machine, new: new)
        _ = machine.handle(.publishStepPassed)
        let failed = machine.handle(.publishStepFailed("publish step 2 (purge POST https://cdn.example/purge) failed: HTTP 403"))
        #expect(M.stages(failed) == ["-publish:failed", "+rollback"])
        #expect(failed.last == .checkAlive(M.running))
        #expect(machine.handle(.previousAlive(true)) == [.switchBack(to: [M.running.upstream], previous: M.previous),
                                                           .drain([new.upstream])])
        let back = machine.handle(.drained(left: 0))
        #expect(back.last == .notify(.rolledBack, failedStage: .publish,
                                     nextStep: "see `slipway logs d-1`; the previous release serves again"))
        let end = try! #require(M.finish(machine.handle(.notified(total: 0))))
        #expect(end.0 == .rolledBack && end.1 == .smokeFailedRolledBack && end.3 == .deployRolledBack)
        #expect(end.2 == "a publish step failed and web was rolled back: "
            + "publish step 2 (purge POST https://cdn.example/purge) failed: HTTP 403")
    }

    @Test func aRollbackRunsNoPublishStep() {
        let service = Self.site()
        let serving = M.instance(M.v2, pid: 200)
        let current = ActiveRelease(service: "web", releaseID: M.v2.id, instance: serving,
                                    previousReleaseID: M.v1.id, switchedAt: M.at)
        var machine = DeploymentMachine(.init(id: "d-2", kind: .rollback(to: M.v1), service: service, previous: current))
        var actions = machine.handle(.begin)
        let again = M.instance(M.v1, pid: 300)
        actions += machine.handle(.instanceStarted(again, at: .seconds(1)))
        actions += machine.handle(.probed(ProbeResult(healthy: true), at: .seconds(1)))
        actions += machine.handle(.switched(replaced: [serving.upstream], at: M.at, warm: []))
        #expect(!actions.contains { if case .runPublishStep = $0 { true } else { false } })
        #expect(actions.last == .drain([serving.upstream]))
    }
}
