import Foundation
import SlipwayModel
import Testing

/// Environments with a real daemon, git repository and proxies (issue 14): each environment's own
/// proxy process serving its own release of a service; a freeze; approvals through the CLI; a
/// pending deployment surviving SIGKILL of the daemon.
@Suite(.serialized) struct EnvironmentIntegrationTests {
    static func config(production: String = "") -> String {
        TestRepository.config() + """

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

    func withEnvironments<T>(production: String = "", _ body: (TestRepository, CLI, [String: String]) async throws -> T) async throws -> T {
        let repository = try TestRepository(config: Self.config(production: production))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let status = try await cli.status()
        let proxies = Dictionary(uniqueKeysWithValues: (status.environments ?? []).map { ($0.name, "http://\($0.proxy)") })
        return try await body(repository, cli, proxies)
    }

    @Test func eachEnvironmentServesItsOwnReleaseBehindItsOwnProxy() async throws {
        try await withEnvironments { repository, cli, proxies in
            #expect(proxies.keys.sorted() == ["production", "staging"])
            #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v2.0.0").status == 0)
            #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
            #expect(try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body == "hello from v2.0.0\n")
            #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").body == "hello from v1.0.0\n")
            // Two proxy processes, one per environment.
            let staging = try #require(repository.proxyPID(environment: "staging"))
            let production = try #require(repository.proxyPID(environment: "production"))
            #expect(staging != production)
            // Without --env the request is refused, naming the environments.
            let ambiguous = try await cli.run("deploy", "web", "--ref", "v2.0.0")
            #expect(ambiguous.status == 6, "\(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("staging, production"), "\(ambiguous.stderr)")
            let status = try await cli.status()
            #expect(Set(status.services.map { "\($0.environment ?? "-")/\($0.activeRelease?.version ?? "-")" })
                    == ["staging/v2.0.0", "production/v1.0.0"])
            let history = try await cli.json([Deployment].self, "history", "web", "--env", "production")
            #expect(history.map(\.environment) == ["production"])
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
        var ops = CLI(repository: repository)
        ops.actor = "ops"
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v2.0.0").status == 0)
        #expect(try await ops.run("freeze", "production", "--reason", "incident 4711").status == 0)
        daemon.kill9()
        daemon = try await DaemonProcess.start(repository)
        let refused = try await ops.run("deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(refused.status == 6, "\(refused.stderr)")
        #expect(refused.stderr.contains("incident 4711") && refused.stderr.contains("ops"), "\(refused.stderr)")
        let status = try await ops.run("status")
        #expect(status.stdout.contains("FROZEN: production"), "\(status.stdout)")
        // Rollbacks stay allowed; staging is not frozen.
        #expect(try await ops.run("rollback", "web", "--env", "production").status == 0)
        #expect(try await ops.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0").status == 0)
        #expect(try await ops.run("unfreeze", "production").status == 0)
        #expect(try await ops.run("deploy", "web", "--env", "production", "--ref", "v2.0.0").status == 0)
        let audit = try await ops.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .environmentFrozen && $0.actor == "ops" && $0.environment == "production" })
        #expect(audit.contains { $0.action == .environmentUnfrozen })
    }

    @Test func approvalsThroughTheCLIAndAPendingDeploymentSurvivesSIGKILL() async throws {
        let repository = try TestRepository(config: Self.config(production: "    approvals: { required: 1, from: [bob] }\n"))
        defer { repository.remove() }
        try repository.release("v1.0.0")
        var daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        var alice = CLI(repository: repository)
        alice.actor = "alice"
        var bob = alice
        bob.actor = "bob"
        var carol = alice
        carol.actor = "carol"
        let pending = try await alice.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(pending.outcome == .pending)
        let text = try await alice.run("history", "web", "--env", "production")
        #expect(text.stdout.contains(pending.id), "\(text.stdout)")

        daemon.kill9()
        daemon = try await DaemonProcess.start(repository)
        let own = try await alice.run("approve", pending.id)
        #expect(own.status == 6 && own.stderr.contains("someone else"), "\(own.stderr)")
        let outsider = try await carol.run("approve", pending.id)
        #expect(outsider.status == 6 && outsider.stderr.contains("bob"), "\(outsider.stderr)")
        #expect(try await bob.run("approve", pending.id, "--comment", "looks good").status == 0)
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await alice.json(Deployment.self, "show", pending.id))?.outcome == .succeeded
        })
        let status = try await alice.status()
        let production = try #require(status.environments?.first { $0.name == "production" })
        #expect(try await LoopbackHTTP.get("http://\(production.proxy)/").body == "hello from v1.0.0\n")
        let record = try await alice.json(Deployment.self, "show", pending.id)
        #expect(record.actor == "alice" && record.approvals.map(\.actor) == ["bob"])
    }

    @Test func deployWaitBlocksUntilApprovedAndExitsWithTheOutcome() async throws {
        try await withEnvironments(production: "    approvals: 1\n") { repository, _, proxies in
            var alice = CLI(repository: repository)
            alice.actor = "alice"
            var bob = alice
            bob.actor = "bob"
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
}
