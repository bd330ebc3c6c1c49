import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct PipelineFlowTests {
    @Test func failingCheckDeploysNothingWithExit1() async throws {
        let runner = FakeRunner(failing: ["swift test"])
        let h = Harness(runner: runner) { $0.checks = [CheckConfig(name: "unit tests", kind: .command("swift test"))] }
        let failed = try await h.deploy("v1")
        #expect(failed.exitCode == .checksFailed)
        // Checks run on the exported files before any build; a failure discards the export.
        #expect(failed.stages.map(\.name.rawValue) == ["validate", "checks", "notify"])
        #expect(await h.router.upstream(of: Harness.web) == nil)
        #expect(h.world.startedInstances.isEmpty)
        #expect(runner.ran.all.first?.contains("in /releases/.tmp-v1") == true)
        // The release that failed its checks is gone: not even a rollback can reach it.
        #expect(await h.store.releases(service: Harness.web).isEmpty)
        #expect(await h.store.log(deployment: failed.id).contains("output of swift test"))
    }

    @Test func checkPastItsTimeoutIsReportedAsKilled() async throws {
        let h = Harness(runner: FakeRunner(hanging: ["./lint"])) {
            $0.checks = [CheckConfig(name: "lint", kind: .command("./lint"), timeout: .seconds(3))]
        }
        let failed = try await h.deploy("v1")
        #expect(failed.exitCode == .checksFailed)
        #expect(failed.stages.first { $0.name == .checks }?.message?.contains("timed out after 3s; its process group was killed") == true)
    }

    @Test func migrationsRunAfterABackupAndAreRecorded() async throws {
        let migrator = FakeMigrator(fails: false)
        let h = Harness(migrator: migrator) { $0.database = "hr" }
        let deployed = try await h.deploy("v1")
        #expect(deployed.exitCode == .success)
        #expect(deployed.backup == "b-1")
        #expect(deployed.migrations == ["V2__add_employee_timezone.sql"])
        #expect(Set(deployed.stages.map(\.name.rawValue).prefix(4)) == ["validate", "build", "backup", "migrate"])
        #expect(deployed.stages.map(\.name.rawValue)[4] == "start")
        // The migrations come from the exported commit, not the work tree.
        #expect(migrator.calls.all == ["backup hr from /releases/.tmp-v1", "migrate hr from /releases/.tmp-v1"])
        #expect(deployed.rollbackDeadline != nil)
        // One call of the migrator (one hold of the lock) spans both stages; its lines are told apart.
        let log = await h.store.log(deployment: deployed.id)
        #expect(log.contains("[backup] backing up hr"))
        #expect(log.contains("[migrate] applying V2__add_employee_timezone.sql"))
    }

    @Test func theBuildRunsBesideTheBackupAndTheMigrations() async throws {
        let migrator = FakeMigrator(fails: false)
        let buildGate = BuildGate()
        let h = Harness(buildGate: buildGate, migrator: migrator) { $0.database = "hr" }
        async let deployed = h.deploy("v1")
        // The build is held; backup and migrate still run and finish. (Either may get going first: the
        // build is only known to be held once it has reached its gate.)
        await buildGate.waitForArrivals(1)
        await migrator.calls.waitForCount(2)
        await buildGate.release()
        let record = try await deployed
        #expect(record.exitCode == .success)
        let build = try #require(record.stages.first { $0.name == .build })
        let migrate = try #require(record.stages.first { $0.name == .migrate })
        #expect(migrate.finishedAt! <= build.finishedAt!)
        #expect(build.startedAt <= migrate.startedAt)
    }

    @Test func aFailedMigrationCancelsTheBuildBesideIt() async throws {
        let migrator = FakeMigrator(fails: true)
        let buildGate = BuildGate()
        let h = Harness(buildGate: buildGate, migrator: migrator) { $0.database = "hr" }
        let failed = try await h.deploy("v1")
        #expect(failed.exitCode == .deployFailed)
        #expect(failed.stages.first { $0.name == .build }?.outcome == .cancelled)
        #expect(failed.stages.first { $0.name == .migrate }?.outcome == .failed)
        #expect(failed.message?.contains("slipway db restore hr b-1") == true)
        #expect(await h.store.releases(service: Harness.web).isEmpty)
        #expect(h.world.startedInstances.isEmpty)
    }

    @Test func aBuildThatFailsBeforeTheMigrationsStartKeepsThemFromRunning() async throws {
        let migrator = FakeMigrator(fails: false)
        let h = Harness(migrator: migrator) { $0.database = "hr" }
        h.world.state.withLock { _ = $0.failingBuilds.insert("v1") }
        migrator.holdBackup()
        async let deployed = h.deploy("v1")
        await migrator.calls.waitForCount(1)
        // The build has failed while the backup runs; then the backup ends.
        await h.store.waitForDeployment { $0.stages.contains { $0.name == .build && $0.outcome == .failed } }
        migrator.releaseBackup()
        let failed = try await deployed
        #expect(failed.exitCode == .buildFailed)
        #expect(failed.stages.first { $0.name == .migrate }?.outcome == .cancelled)
        #expect(migrator.calls.all.count == 1)
    }

    @Test func aBuildThatFailsAfterTheMigrationsSaysHowToUndoThem() async throws {
        let migrator = FakeMigrator(fails: false)
        let buildGate = BuildGate()
        let h = Harness(buildGate: buildGate, migrator: migrator) { $0.database = "hr" }
        h.world.state.withLock { _ = $0.failingBuilds.insert("v1") }
        async let deployed = h.deploy("v1")
        await migrator.calls.waitForCount(2)
        await buildGate.release()
        let failed = try await deployed
        #expect(failed.exitCode == .buildFailed)
        #expect(failed.message?.contains("hr was migrated (V2__add_employee_timezone.sql)") == true)
        #expect(failed.stages.last?.name == .notify)
        let log = await h.store.log(deployment: failed.id)
        #expect(log.contains("slipway db restore hr b-1"))
    }

    @Test func aRefThatDoesNotResolveFailsValidation() async throws {
        let h = Harness()
        let failed = try await h.deploy("missing")
        #expect(failed.exitCode == .buildFailed)
        #expect(failed.stages.map(\.name.rawValue) == ["validate", "notify"])
        #expect(failed.stages[0].message?.contains("does not resolve") == true)
    }

    @Test func failedMigrationLeavesThePreviousReleaseServing() async throws {
        let migrator = FakeMigrator(fails: false)
        let h = Harness(migrator: migrator) { $0.database = "hr" }
        _ = try await h.deploy("v1")
        migrator.setFailing(true)
        let failed = try await h.deploy("v2")
        #expect(failed.exitCode == .deployFailed)
        #expect(failed.message?.contains("slipway db restore hr") == true)
        #expect(!failed.stages.contains { $0.name == .start })
        #expect(await h.activeVersion() == "v1")
    }

    @Test func failingSmokeTestOnAFirstDeployLeavesNothingServing() async throws {
        let runner = FakeRunner(failing: ["./smoke.sh"])
        let h = Harness(runner: runner) { $0.smoke = [SmokeTestConfig(kind: .command("./smoke.sh"))] }
        let first = try await h.deploy("v1")
        #expect(first.exitCode == .smokeFailedRolledBack)
        #expect(first.outcome == .rolledBack)
        #expect(await h.router.upstream(of: Harness.web) == nil)
        #expect(h.world.aliveInstances.isEmpty)
        // The smoke script was pointed at the new release.
        #expect(runner.ran.all.first?.contains("url=http://127.0.0.1:") == true)
    }

    @Test func failingSmokeTestSwitchesBackToTheStillRunningPreviousRelease() async throws {
        let h = Harness(runner: FakeRunner()) {
            $0.smoke = [SmokeTestConfig(kind: .http(path: "/api/employees", expect: HealthExpectation(status: 200)))]
        }
        let v1 = try await h.deploy("v1")
        let v1Instance = try #require(h.world.aliveInstances.first)
        h.world.state.withLock { _ = $0.failingPaths.insert("/api/employees") }
        let failed = try await h.deploy("v2")
        #expect(failed.exitCode == .smokeFailedRolledBack)
        #expect(failed.stages.map(\.name.rawValue) == ["validate", "build", "start", "health", "switch", "smoke", "rollback", "notify"])
        #expect(failed.stages.first { $0.name == .smoke }?.message?.contains("expected status 200, got 500") == true)
        #expect(await h.activeVersion() == "v1")
        #expect(h.world.aliveInstances == [v1Instance])
        #expect(await h.store.active(service: Harness.web)?.releaseID == v1.toRelease)
    }

    @Test func notificationsAreSentAndRecorded() async throws {
        let notifier = RecordingNotifier()
        let h = Harness(notifier: notifier)
        let deployed = try await h.deploy("v1")
        #expect(notifier.events == [.started, .succeeded])
        #expect(deployed.notifications.map(\.event) == [.started, .succeeded])
        h.world.state.withLock { _ = $0.failingBuilds.insert("broken") }
        let failed = try await h.deploy("broken")
        #expect(notifier.events.suffix(2) == [.started, .failed])
        #expect(failed.notifications.last?.delivered == true)
    }

    @Test func secretsAreRedactedInLogsAndMessages() async throws {
        let runner = FakeRunner(failing: ["deploy-hook s3cr3t-token"])
        let h = Harness(runner: runner, redactor: Redactor(secrets: ["s3cr3t-token"])) {
            $0.checks = [CheckConfig(name: "hook", kind: .command("deploy-hook s3cr3t-token"))]
        }
        let failed = try await h.deploy("v1")
        let log = await h.store.log(deployment: failed.id)
        #expect(!log.contains("s3cr3t-token"))
        #expect(log.contains("******"))
        #expect(!(failed.message ?? "").contains("s3cr3t-token"))
        #expect(!failed.stages.contains { ($0.message ?? "").contains("s3cr3t-token") })
        // The audit trail repeats how the deployment ended: redacted as well.
        let audit = await h.store.audit(service: nil, limit: 100)
        #expect(audit.contains { $0.action == .deployFailed })
        #expect(!audit.contains { $0.detail.contains("s3cr3t-token") })
    }

    @Test func whatAReleasePrintsIsRedactedWhenShown() async throws {
        let h = Harness(redactor: Redactor(secrets: ["s3cr3t-token"]))
        h.world.state.withLock { $0.output = "connecting with s3cr3t-token" }
        _ = try await h.deploy("v1")
        let shown = try await h.controller.output(service: "web", lines: 20)
        #expect(shown.contains("connecting with ******"))
        #expect(!shown.contains("s3cr3t-token"))
    }
}
