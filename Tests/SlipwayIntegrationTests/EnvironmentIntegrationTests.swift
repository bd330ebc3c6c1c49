import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Environments with a real daemon, git repository and proxies (issue 14): each environment's own
/// proxy process serving its own release of a service; a freeze; approvals by distinct people
/// (tokens over the TCP API); a pending deployment surviving SIGKILL of the daemon.
@Suite(.serialized) struct EnvironmentIntegrationTests {
    static func config(production: String = "", build: String? = nil) -> String {
        TestRepository.config(build: build) + """

        api:
          listen: 127.0.0.1:0
        environments:
          staging:
            proxy: { listen: 127.0.0.1:0 }
            env: { APP_ENV: staging }
          production:
            proxy: { listen: 127.0.0.1:0 }
            tags: semver
            rollback_window: 60m
        \(production)
        """
    }

    func withEnvironments<T>(production: String = "", _ body: (TestRepository, DaemonProcess, [String: String]) async throws -> T) async throws -> T {
        let repository = try TestRepository(config: Self.config(production: production))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let status = try await CLI(repository: repository).status()
        let proxies = Dictionary(uniqueKeysWithValues: (status.environments ?? []).map { ($0.name, "http://\($0.proxy)") })
        return try await body(repository, daemon, proxies)
    }

    @Test func eachEnvironmentServesItsOwnReleaseBehindItsOwnProxy() async throws {
        try await withEnvironments { repository, _, proxies in
            let cli = CLI(repository: repository)
            #expect(proxies.keys.sorted() == ["production", "staging"])
            #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v2.0.0").status == 0)
            #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
            #expect(try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body == "hello from v2.0.0\n")
            #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").body == "hello from v1.0.0\n")
            // Two proxy processes, one per environment; reloading one leaves the other alone.
            let staging = try #require(repository.proxyPID(environment: "staging"))
            let production = try #require(repository.proxyPID(environment: "production"))
            #expect(staging != production)
            let reload = try await cli.run("proxy", "reload", "--env", "staging")
            #expect(reload.status == 0 && reload.stdout.contains("(staging)"), "\(reload.stdout)\(reload.stderr)")
            #expect(await eventually { repository.proxyPID(environment: "staging").map { $0 != staging } ?? false })
            #expect(repository.proxyPID(environment: "production") == production)
            #expect(try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body == "hello from v2.0.0\n")
            let proxyStatus = try await cli.run("proxy", "status")
            #expect(proxyStatus.stdout.components(separatedBy: "proxy process ").count == 3, "\(proxyStatus.stdout)")
            // Without --env the request is refused, naming the environments.
            let ambiguous = try await cli.run("deploy", "web", "--ref", "v2.0.0")
            #expect(ambiguous.status == 6, "\(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("staging, production"), "\(ambiguous.stderr)")
            let status = try await cli.status()
            #expect(Set(status.services.map { "\($0.environment ?? "-")/\($0.activeRelease?.version ?? "-")" })
                    == ["staging/v2.0.0", "production/v1.0.0"])
            let history = try await cli.json([Deployment].self, "history", "web", "--env", "production")
            #expect(history.map(\.environment) == ["production"])
            // Release notes: the commits since the environment's previous release (git's own subjects).
            #expect(history.first?.notes == ["release v1.0.0"])
            #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v2.0.0").status == 0)
            let second = try #require(try await cli.json([Deployment].self, "history", "web", "--env", "production").first)
            #expect(second.notes == ["release v2.0.0"])
            let shown = try await cli.run("show", second.id)
            #expect(shown.stdout.contains("notes\n  • release v2.0.0"), "\(shown.stdout)")
            // A branch is not what production takes: exit 1, before any work.
            let branch = try await cli.run("deploy", "web", "--env", "production", "--ref", "main")
            #expect(branch.status == 1, "\(branch.stderr)")
            #expect(branch.stderr.contains("vMAJOR.MINOR.PATCH"), "\(branch.stderr)")
        }
    }

    @Test func aFreezeRefusesDeploysNamingWhoAndWhyAndSurvivesARestart() async throws {
        let repository = try TestRepository(config: Self.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        var daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let ops = CLI(repository: repository)
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v2.0.0").status == 0)
        #expect(try await ops.run("freeze", "production", "--reason", "incident 4711").status == 0)
        daemon.kill9()
        daemon = try await DaemonProcess.start(repository)
        let refused = try await ops.run("deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(refused.status == 6, "\(refused.stderr)")
        #expect(refused.stderr.contains("incident 4711") && refused.stderr.contains(currentUserName), "\(refused.stderr)")
        let status = try await ops.run("status")
        #expect(status.stdout.contains("FROZEN: production"), "\(status.stdout)")
        // Rollbacks stay allowed; staging is not frozen.
        #expect(try await ops.run("rollback", "web", "--env", "production").status == 0)
        #expect(try await ops.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0").status == 0)
        let unfrozen = try await ops.run("unfreeze", "production", "--json")
        #expect(unfrozen.status == 0 && unfrozen.stdout.contains(#""frozen" : false"#), "\(unfrozen.stdout)")
        #expect(try await ops.run("unfreeze", "production").status == 6, "unfreezing what is not frozen is refused")
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v2.0.0").status == 0)
        let audit = try await ops.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .environmentFrozen && $0.actor == currentUserName && $0.environment == "production" })
        #expect(audit.contains { $0.action == .environmentUnfrozen })
    }

    /// People as tokens over the TCP API: on the unix socket everyone is the OS user.
    func people(_ repository: TestRepository, api: String, _ roles: [(String, Role)]) async throws -> [String: CLI] {
        let admin = CLI(repository: repository)
        var people: [String: CLI] = [:]
        for (name, role) in roles {
            let created = try await admin.json(TokenCreated.self, "token", "create", name, "--role", role.rawValue)
            people[name] = remoteCLI(repository, api: api, token: created.value)
        }
        return people
    }

    @Test func approvalsByDistinctPeopleAndAPendingDeploymentSurvivesSIGKILL() async throws {
        let repository = try TestRepository(config: Self.config(production: "    approvals: { required: 1, from: [bob] }\n"))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        var daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let people = try await people(repository, api: try await daemon.tcpAPI(),
                                      [("alice", .deployer), ("bob", .approver), ("carol", .approver)])
        let alice = try #require(people["alice"])
        let pending = try await alice.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(pending.outcome == .pending)
        #expect(pending.actor == "alice")
        let text = try await alice.run("history", "web", "--env", "production")
        #expect(text.stdout.contains(pending.id), "\(text.stdout)")
        let waiting = try await alice.run("status")
        #expect(waiting.stdout.contains("PENDING: \(pending.id) web@production v1.0.0 by alice"), "\(waiting.stdout)")
        // A deployer may not approve at all (403, exit 9), even another's deployment.
        let deployer = try await alice.run("approve", pending.id)
        #expect(deployer.status == ExitStatus.notAuthorized.rawValue, "\(deployer.stderr)")

        daemon.kill9()
        daemon = try await DaemonProcess.start(repository)
        let api = try await daemon.tcpAPI()
        let tokens = people.mapValues { cli in remoteCLI(repository, api: api, token: cli.environment["SLIPWAY_TOKEN"]) }
        let outsider = try await tokens["carol"]!.run("approve", pending.id)
        #expect(outsider.status == 6 && outsider.stderr.contains("bob"), "\(outsider.stderr)")
        #expect(try await tokens["bob"]!.run("approve", pending.id, "--comment", "looks good").status == 0)
        let viewer = CLI(repository: repository)
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await viewer.json(Deployment.self, "show", pending.id))?.outcome == .succeeded
        })
        let status = try await viewer.status()
        let production = try #require(status.environments?.first { $0.name == "production" })
        #expect(try await LoopbackHTTP.get("http://\(production.proxy)/").body == "hello from v1.0.0\n")
        let record = try await viewer.json(Deployment.self, "show", pending.id)
        #expect(record.actor == "alice" && record.approvalsGiven.map(\.actor) == ["bob"])
    }

    @Test func theRequesterCannotApproveTheirOwnDeployment() async throws {
        let repository = try TestRepository(config: Self.config(production: "    approvals: 1\n"))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let people = try await people(repository, api: try await daemon.tcpAPI(), [("dana", .approver)])
        let dana = try #require(people["dana"])
        let pending = try await dana.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.0")
        let own = try await dana.run("approve", pending.id)
        #expect(own.status == 6 && own.stderr.contains("someone else"), "\(own.stderr)")
        #expect(try await dana.run("reject", pending.id, "--reason", "wrong tag").status == 0)
        #expect(try await dana.json(Deployment.self, "show", pending.id).outcome == .rejected)
    }

    @Test func deployWaitBlocksUntilApprovedAndExitsWithTheOutcome() async throws {
        try await withEnvironments(production: "    approvals: 1\n") { repository, daemon, proxies in
            let people = try await people(repository, api: try await daemon.tcpAPI(), [("alice", .deployer), ("bob", .approver)])
            let alice = try #require(people["alice"])
            let bob = try #require(people["bob"])
            let waiting = Task { try await alice.run("deploy", "web", "--env", "production", "--ref", "v1.0.0", "--wait") }
            var id: String?
            #expect(await eventually(timeout: .seconds(20)) {
                id = (try? await alice.json([Deployment].self, "history", "web", "--env", "production"))?.first { $0.outcome == .pending }?.id
                return id != nil
            })
            #expect(try await bob.run("approve", try #require(id)).status == 0)
            let ended = try await waiting.value
            #expect(ended.status == 0, "\(ended.stdout)\n\(ended.stderr)")
            #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").body == "hello from v1.0.0\n")
        }
    }

    /// The build appends a random id to VERSION, which the example service answers with: a second
    /// build would answer differently, so production answering what staging answers is the artifact.
    @Test func promotionRunsNoBuildStagingAndProductionServeTheSameArtifact() async throws {
        let build = #"'echo "$(cat VERSION)-$(od -An -N6 -tx1 /dev/urandom | tr -d " \n")" > VERSION.new && mv VERSION.new VERSION'"#
        let repository = try TestRepository(config: Self.config(production: "    promote_from: staging\n", build: build))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let status = try await cli.status()
        let proxies = Dictionary(uniqueKeysWithValues: (status.environments ?? []).map { ($0.name, "http://\($0.proxy)") })
        let staging = try await cli.json(Deployment.self, "deploy", "web", "--env", "staging", "--ref", "v1.0.0")
        #expect(staging.outcome == .succeeded, "\(staging.message ?? "")")
        let built = try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body
        #expect(built.hasPrefix("hello from v1.0.0-") && built.count > "hello from v1.0.0-\n".count, "\(built)")
        // A tag that never succeeded in staging is refused, exit 1, before any work.
        let never = try await cli.run("deploy", "web", "--env", "production", "--ref", "v2.0.0")
        #expect(never.status == 1 && never.stderr.contains("never succeeded"), "\(never.stderr)")
        // The same tag, promoted: no build, the same bytes.
        let production = try await cli.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(production.outcome == .succeeded, "\(production.message ?? "")")
        #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").body == built)
        #expect(production.promotedFrom == staging.id)
        #expect(production.artifact != nil && production.artifact == staging.artifact)
        #expect(production.artifact?.hasPrefix("sha256:") == true)
        #expect(production.stages.first { $0.name == .build }?.outcome == .skipped)
        // `promote` says the same through its own verb.
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v2.0.0").status == 0)
        let promoted = try await cli.json(Deployment.self, "promote", "web", "--to", "production")
        #expect(promoted.outcome == .succeeded, "\(promoted.message ?? "")")
        #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").body
                == (try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body))
    }

    @Test func aRollbackPastItsWindowNeedsAnAdminsOverride() async throws {
        let repository = try TestRepository(config: Self.config().replacingOccurrences(of: "rollback_window: 60m", with: "rollback_window: 1s"))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let admin = CLI(repository: repository)
        let people = try await people(repository, api: try await daemon.tcpAPI(), [("alice", .deployer)])
        let alice = try #require(people["alice"])
        #expect(try await alice.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
        let second = try await alice.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v2.0.0")
        #expect(second.outcome == .succeeded)
        // The event is the deadline passing: wait until the deployment's own rollbackDeadline is behind us.
        let deadline = try #require(second.rollbackDeadline)
        try await Task.sleep(for: .milliseconds(max(0, Int(deadline.timeIntervalSinceNow * 1000)) + 100))
        let closed = try await alice.run("rollback", "web", "--env", "production")
        #expect(closed.status == 6 && closed.stderr.contains("--override"), "\(closed.stderr)")
        // A deployer may not override: 403, exit 9, audited.
        let deployer = try await alice.run("rollback", "web", "--env", "production", "--override", "--reason", "urgent")
        #expect(deployer.status == ExitStatus.notAuthorized.rawValue, "\(deployer.stderr)")
        let overridden = try await admin.json(Deployment.self, "rollback", "web", "--env", "production", "--override",
                                             "--reason", "v2 corrupts invoices")
        #expect(overridden.outcome == .succeeded && overridden.override == "v2 corrupts invoices")
        let audit = try await admin.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .rollbackOverride && $0.actor == currentUserName })
        #expect(audit.contains { $0.action == .apiForbidden && $0.actor == "alice" })
    }

    @Test func aHotfixPassesAFreezeOnTheHotfixPath() async throws {
        let repository = try TestRepository(config: Self.config(production: "    hotfix: { approvals: 0 }\n"))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v1.0.1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
        #expect(try await cli.run("freeze", "production", "--reason", "incident").status == 0)
        #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.1").status == 6)
        let hotfix = try await cli.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.1",
                                        "--hotfix", "--reason", "fix the login outage")
        #expect(hotfix.outcome == .succeeded && hotfix.hotfix == "fix the login outage", "\(hotfix.message ?? "")")
        let status = try await cli.status()
        #expect(status.services.first { $0.environment == "production" }?.activeRelease?.version == "v1.0.1")
        // Staging has no hotfix path.
        let none = try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.1", "--hotfix", "--reason", "x")
        #expect(none.status == 1 && none.stderr.contains("no hotfix path"), "\(none.stderr)")
    }
}
