import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// The real daemon, CLI, proxy, processes and git repositories, as a user drives them.
@Suite(.serialized) struct DeploymentIntegrationTests {
    @Test func cutoverUnderKeepAliveLoadLosesNoRequest() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)

        let load = LoadGenerator(url: daemon.url + "/", clients: 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await load.run() }
            #expect(await eventually { load.snapshot.served > 50 })
            for ref in ["v2", "v1", "v2"] {
                let result = try await cli.run("deploy", "web", "--ref", ref)
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            }
            let rollback = try await cli.run("rollback", "web")
            #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
            let served = load.snapshot.served
            #expect(await eventually { load.snapshot.served > served + 50 })
            group.cancelAll()
        }
        await load.shutdown()
        let counts = load.snapshot
        // Every response came wholly from one release (its body matches its version header) and none failed.
        #expect(counts.failed == 0, "failures: \(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
    }

    @Test func releaseThatNeverTurnsHealthyLeavesTheOldOneServingWithExit3() async throws {
        let repository = try TestRepository(config: TestRepository.config(startTimeout: "1s"))
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", health: "fail")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let failed = try await cli.run("deploy", "web", "--ref", "v2")
        #expect(failed.status == 3)
        // Why: the last probe and the release's own output.
        #expect(failed.stdout.contains("not healthy within start_timeout 1s"))
        #expect(failed.stdout.contains("503"))
        #expect(failed.stdout.contains("slipway-example v2 listening"))
        #expect(failed.stdout.contains("still serves"))
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        let status = try await cli.status()
        #expect(status.services.first?.activeRelease?.version == "v1")
    }

    @Test func postSwitchHealthFailureRollsBackAutomatically() async throws {
        let repository = try TestRepository(config: TestRepository.config(watch: "30s"))
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", health: "fail-after 1s")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let deployed = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v2")
        #expect(deployed.exitCode == .success)
        #expect(try await eventually { try await cli.status().services.first?.activeRelease?.version == "v1" })
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        // The original record is marked once the automatic rollback has drained and stopped v2.
        #expect(try await eventually { try await cli.json(Deployment.self, "show", deployed.id).outcome == .rolledBack })
        let history = try await cli.json([Deployment].self, "history", "web")
        let original = history.first { $0.id == deployed.id }
        #expect(original?.outcome == .rolledBack)
        #expect(original?.exitCode == .smokeFailedRolledBack)
        #expect(history.first?.kind == .automaticRollback)
        #expect(history.first?.actor == "slipway")
    }

    @Test func rollbackToARetainedReleaseWithoutRebuilding() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        for version in ["v1", "v2", "v3"] { try repository.release(version) }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        for version in ["v1", "v2", "v3"] { #expect(try await cli.run("deploy", "web", "--ref", version).status == 0) }
        let rollback = try await cli.json(Deployment.self, "rollback", "web", "--to", "v1")
        #expect(rollback.outcome == .succeeded)
        #expect(!rollback.stages.contains { $0.name == .build })
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        // Without --to: back to the release the active one replaced.
        #expect(try await cli.run("rollback", "web").status == 0)
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v3\n")
        let unknown = try await cli.run("rollback", "web", "--to", "v9")
        #expect(unknown.status == 6)
        #expect(unknown.stderr.contains("no retained release \"v9\""))
    }

    @Test func slowInFlightRequestFinishesDuringTheDrain() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        // The request is in flight on v1 during the whole deploy of v2 (it takes 2 s; the deploy well under that).
        async let slow = LoopbackHTTP.get(daemon.url + "/slow?ms=2000")
        let deployed = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v2")
        let response = try await slow
        #expect(response.status == 200)
        #expect(response.body == "slow 2000ms from v1\n")
        let drain = deployed.stages.first { $0.name == .drain }
        #expect(drain?.outcome == .succeeded)
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v2\n")
    }

    @Test func secondConcurrentDeployIsRefusedNamingTheRunningOne() async throws {
        let repository = try TestRepository(config: TestRepository.config(build: "sh ./build.sh"))
        defer { repository.remove() }
        try repository.write("build.sh", "sleep 3\n")
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        async let first = cli.run("deploy", "web", "--ref", "v1")
        #expect(try await eventually { try await cli.status().services.first?.deploying != nil })
        let second = try await cli.run("deploy", "web", "--ref", "v1")
        #expect(second.status == 6)
        #expect(second.stderr.contains("web is busy"))
        #expect(second.stderr.contains("started by \(currentUserName)"))
        #expect(try await first.status == 0)
    }

    /// v1 deployed by a daemon that is then killed with SIGKILL: its release runs on, unsupervised.
    /// Returns the pid v1 runs as.
    static func v1LeftByAKilledDaemon(_ repository: TestRepository, _ cli: CLI) async throws -> Int32 {
        try repository.release("v1")
        let first = try await DaemonProcess.start(repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let pid = try #require(try await cli.status().services.first?.pid)
        first.kill9()
        return pid
    }

    @Test func daemonKilledWithSIGKILLServesAgainWithoutARedeploy() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        let cli = CLI(repository: repository)
        let pid = try await Self.v1LeftByAKilledDaemon(repository, cli)

        let second = try await DaemonProcess.start(repository)
        defer { second.terminate() }
        #expect(try await LoopbackHTTP.get(second.url + "/").body == "hello from v1\n")
        let status = try await cli.status()
        #expect(status.services.first?.pid == pid)  // re-adopted, not restarted
        #expect(try await cli.json([Deployment].self, "history").count == 1)
        let audit = try await cli.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .releaseAdopted })
    }

    /// Issue 13: with `.slipway/state.db*` gone, a restarted daemon used to stop every running
    /// release as unrecorded and answer 503. A state that holds no record at all is new or lost:
    /// what runs is adopted and said so, never stopped.
    @Test func aLostStateDatabaseNeverStopsTheReleasesThatServe() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        let cli = CLI(repository: repository)
        let pid = try await Self.v1LeftByAKilledDaemon(repository, cli)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: repository.root + "/.slipway/state.db" + suffix)
        }

        let second = try await DaemonProcess.start(repository)
        defer { second.terminate() }
        #expect(kill(pid, 0) == 0, "the release that served is still running")
        #expect(try await LoopbackHTTP.get(second.url + "/").body == "hello from v1\n")
        #expect(try await cli.status().services.first?.pid == pid)
        let audit = try await cli.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .releaseAdoptedUnrecorded && $0.detail.contains("pid \(pid)") })
        #expect(!audit.contains { $0.action == .releaseUnrecordedStopped })
        // What was adopted can be deployed over as usual.
        try repository.release("v2")
        #expect(try await cli.run("deploy", "web", "--ref", "v2").status == 0)
        #expect(try await LoopbackHTTP.get(second.url + "/").body == "hello from v2\n")
    }

    /// Issue 13: with the state deleted under a running daemon, the next deploy used to succeed
    /// silently into a file nobody would read again. Now it is refused, nothing changes, and the
    /// site keeps serving; a restart adopts what runs.
    @Test func aStateDeletedUnderTheDaemonRefusesTheNextDeployAndChangesNothing() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let cli = CLI(repository: repository)
        let daemon = try await DaemonProcess.start(repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: repository.root + "/.slipway/state.db" + suffix)
        }
        let refused = try await cli.run("deploy", "web", "--ref", "v2")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("was deleted while the daemon ran"))
        #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        daemon.terminate()
    }

    /// Issue 13: a build survived the daemon that started it, re-parented to init, in a staging
    /// directory the next daemon deletes. The next daemon now kills it, and what it started.
    @Test func aBuildADeadDaemonLeftRunningIsKilledByTheNextOne() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        let pids = repository.root + "/build.pids"
        try repository.write("slipway.yml", TestRepository.config(
            build: "'echo $$ >> \(pids); sleep 300 & echo $! >> \(pids); wait'"))
        try repository.release("v1")
        let cli = CLI(repository: repository)
        let first = try await DaemonProcess.start(repository)
        async let deploying = cli.run("deploy", "web", "--ref", "v1")
        func started() -> [pid_t] {
            ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { pid_t($0) }
        }
        try await waitUntil("the build and the process it started run") { started().count == 2 }
        first.kill9()
        _ = try? await deploying
        let build = started()
        #expect(build.allSatisfy(Self.isRunning), "the build outlives the daemon that started it")

        let second = try await DaemonProcess.start(repository)
        defer { second.terminate() }
        try await waitUntil("the leftover build is gone") { !build.contains(where: Self.isRunning) }
        let audit = try await cli.json([AuditEntry].self, "audit")
        let killed = audit.filter { $0.action == .stageLeftoverKilled }
        #expect(killed.count == 2)
        #expect(killed.contains { $0.detail.contains("pid \(build[1]) (sleep 300)") })
    }

    /// Alive and not a zombie waiting for a parent that is not reaping it.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    @Test func deploymentInterruptedByADaemonCrashIsRecordedAndCleanedUp() async throws {
        let repository = try TestRepository(config: TestRepository.config(startTimeout: "60s"))
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", health: "fail")
        let cli = CLI(repository: repository)
        let first = try await DaemonProcess.start(repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        async let stuck = cli.run("deploy", "web", "--ref", "v2")
        #expect(try await eventually { try await cli.status().services.first?.deploying != nil })
        let deploymentID = try #require(try await cli.status().services.first?.deploying)
        // Wait until the half-started v2 process runs, then kill the daemon under it.
        var candidate: Instance?
        #expect(try await eventually {
            candidate = try? await cli.json(Deployment.self, "show", deploymentID).instance
            return candidate != nil
        })
        first.kill9()
        _ = try await stuck
        let halfStarted = try #require(candidate)
        #expect(kill(halfStarted.pid, 0) == 0)

        let second = try await DaemonProcess.start(repository)
        defer { second.terminate() }
        let record = try await cli.json(Deployment.self, "show", deploymentID)
        #expect(record.outcome == .interrupted)
        #expect(record.message?.contains("interrupted") == true)
        #expect(try await eventually { kill(halfStarted.pid, 0) != 0 })
        #expect(try await LoopbackHTTP.get(second.url + "/").body == "hello from v1\n")
        let releases = try FileManager.default.contentsOfDirectory(atPath: repository.root + "/.slipway/releases/web")
        #expect(releases.count == 1)
    }

    @Test func crashedReleaseIsRestartedWithBackoff() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
            _ = try? await LoopbackHTTP.get(daemon.url + "/crash", timeout: .seconds(2))
            #expect(try await eventually {
                let service = try await cli.status().services.first
                return service?.restarts == 1 && service?.health == .healthy
            })
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
            let audit = try await cli.json([AuditEntry].self, "audit", "web")
            #expect(audit.contains { $0.action == .releaseCrashed })
        }
    }

    @Test func showAndLogsReportEveryStage() async throws {
        let repository = try TestRepository(config: TestRepository.config(build: "echo building $SLIPWAY_SERVICE"))
        defer { repository.remove() }
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let deployed = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v1")
        #expect(deployed.version == "v1")
        #expect(deployed.commit?.count == 40)
        let shown = try await cli.json(Deployment.self, "show", deployed.id)
        #expect(shown.stages.map(\.name.rawValue) == ["validate", "build", "start", "health", "switch", "drain", "stop", "prune", "notify"])
        #expect(shown.actor == currentUserName)
        let logs = try await cli.run("logs", deployed.id)
        #expect(logs.stdout.contains("building web"))
        let missing = try await cli.run("show", "d-nope")
        #expect(missing.status == 6)
        // The release's own output, from its log file.
        let output = try await cli.run("logs", "--service", "web", "--lines", "5")
        #expect(output.stdout.contains("slipway-example v1 listening"))
    }

    @Test func clientWithoutADaemonSaysSoWithExit7() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        let result = try await CLI(repository: repository).run("status")
        #expect(result.status == 7)
        #expect(result.stderr.contains("slipway serve"))
    }

    @Test func configErrorsNameFileLineAndKey() async throws {
        let repository = try TestRepository(config: """
            services:
              web:
                run: ./app
                health:
                  timeout: two
                retian: 3
            """)
        defer { repository.remove() }
        let result = try await CLI(repository: repository).run("check")
        #expect(result.status == 8)
        #expect(result.stderr.contains("slipway.yml:5:7: services.web.health.timeout: expected a duration like 2s, got \"two\""))
        #expect(result.stderr.contains("slipway.yml:6:5: services.web.retian"))
    }
}
