import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A `git push` deploys what it changed: `slipway hook install` in the repository the daemon
/// serves, then a push from a clone runs the hook, which deploys exactly the services whose paths the
/// pushed range touched, through the real daemon, and the pusher sees the progress.
@Suite(.serialized) struct PushTriggerIntegrationTests {
    static func repository(environments: String = "") throws -> TestRepository {
        let service = { (name: String, route: String) in
            """
              \(name):
                run: '\(Binaries.example)'
                route: { path: \(route) }
                paths: ["services/\(name)/**"]
                health: { path: /health, interval: 50ms, healthy_threshold: 1, start_timeout: 5s }
                drain_timeout: 5s
                watch: 0s
            """
        }
        let repository = try TestRepository(config: """
            proxy:
              listen: 127.0.0.1:0
            services:
            \(service("api", "/api"))
            \(service("web", "/"))
            \(environments)
            """)
        for name in ["api", "web"] {
            try FileManager.default.createDirectory(atPath: repository.root + "/services/\(name)", withIntermediateDirectories: true)
            try repository.write("services/\(name)/main.txt", "\(name) 1\n")
        }
        try repository.write(".gitignore", ".slipway/\n")
        try repository.write("VERSION", "v1\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "two services")
        return repository
    }

    func git(_ arguments: [String], in directory: String) async throws -> CommandResult {
        let result = try await runProgram("/usr/bin/env", ["git", "-c", "user.name=Pusher", "-c", "user.email=pusher@slipway.invalid",
                                                           "-c", "commit.gpgsign=false"] + arguments,
                                          in: directory, environment: ["SLIPWAY_ACTOR": "pusher"])
        #expect(result.status == 0, "git \(arguments): \(result.stderr)")
        return result
    }

    @Test func aPushDeploysExactlyTheServicesItChanged() async throws {
        let repository = try Self.repository()
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "--changed").status == 0)
        let before = try await cli.json([Deployment].self, "history")

        let install = try await cli.run("hook", "install")
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("installed \(repository.root)/.git/hooks/post-receive: a push to main deploys"))
        #expect(install.stdout.contains("receive.denyCurrentBranch=updateInstead"))

        let clone = repository.root + "-clone"
        defer { try? FileManager.default.removeItem(atPath: clone) }
        _ = try await git(["clone", "--quiet", repository.root, clone], in: "/")
        try "api 2\n".write(toFile: clone + "/services/api/main.txt", atomically: true, encoding: .utf8)
        _ = try await git(["commit", "--quiet", "-am", "api: 2"], in: clone)
        let pushed = try await git(["rev-parse", "HEAD"], in: clone).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let push = try await git(["push", "origin", "main"], in: clone)

        // The pusher saw the run: the range, the plan and the deployment's stages, relayed by git.
        #expect(push.stderr.contains("remote: slipway: refs/heads/main "), "\(push.stderr)")
        #expect(push.stderr.contains("deploying the services it changed"))
        #expect(push.stderr.contains("remote: [api]"), "\(push.stderr)")
        #expect(!push.stderr.contains("warning"))
        // Exactly api deployed, at the pushed commit, recorded as a push.
        let after = try await cli.json([Deployment].self, "history")
        let new = after.filter { deployment in !before.contains { $0.id == deployment.id } }
        #expect(new.map(\.service) == ["api"])
        #expect(new.first?.trigger == .push)
        #expect(new.first?.commit == pushed)
        #expect(new.first?.outcome == .succeeded)
        // The hook's client is the user git runs it as, whatever it says (SLIPWAY_ACTOR is not read).
        #expect(new.first?.actor == currentUserName)
        #expect(try await LoopbackHTTP.get(daemon.url + "/api/").status == 200)
        // The daemon's work tree moved with the push.
        let head = try await git(["rev-parse", "HEAD"], in: repository.root).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head == pushed)

        // A push that changes slipway.yml says the daemon still runs the configuration it loaded.
        let config = try String(contentsOfFile: clone + "/slipway.yml", encoding: .utf8)
        try (config + "# a comment\n").write(toFile: clone + "/slipway.yml", atomically: true, encoding: .utf8)
        _ = try await git(["commit", "--quiet", "-am", "config"], in: clone)
        let configPush = try await git(["push", "origin", "main"], in: clone)
        #expect(configPush.stderr.contains("remote: slipway: warning: this push changes slipway.yml"), "\(configPush.stderr)")

        // A push to another branch deploys nothing.
        _ = try await git(["checkout", "--quiet", "-b", "feature"], in: clone)
        try "web 2\n".write(toFile: clone + "/services/web/main.txt", atomically: true, encoding: .utf8)
        _ = try await git(["commit", "--quiet", "-am", "web: 2"], in: clone)
        let other = try await git(["push", "origin", "feature"], in: clone)
        #expect(other.stderr.contains("remote: slipway: refs/heads/feature: not main, nothing deployed"), "\(other.stderr)")
        #expect(try await cli.json([Deployment].self, "history").count == after.count, "neither the config push nor the branch deployed")
    }

    /// With `environments:` the hook routes by ref, as the GitHub webhook does: a push to main deploys
    /// what it changed into staging only, a release tag creates production's deployments (pending
    /// its approval), and a ref no environment takes deploys nothing and says so.
    @Test func withEnvironmentsAPushDeploysIntoItsBranchsEnvironmentAndATagIntoProduction() async throws {
        let repository = try Self.repository(environments: """
            environments:
              staging:
                proxy: { listen: 127.0.0.1:0 }
                branch: main
              production:
                proxy: { listen: 127.0.0.1:0 }
                tags: semver
                approvals: 1
            """)
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "--changed", "--env", "staging").status == 0)
        #expect(try await cli.run("hook", "install").status == 0)

        let clone = repository.root + "-clone"
        defer { try? FileManager.default.removeItem(atPath: clone) }
        _ = try await git(["clone", "--quiet", repository.root, clone], in: "/")
        try "api 2\n".write(toFile: clone + "/services/api/main.txt", atomically: true, encoding: .utf8)
        _ = try await git(["commit", "--quiet", "-am", "api: 2"], in: clone)
        let push = try await git(["push", "origin", "main"], in: clone)
        #expect(push.stderr.contains("deploying the services it changed into staging"), "\(push.stderr)")
        #expect(push.stderr.contains("remote: [api]"), "\(push.stderr)")
        let staging = try await cli.json([Deployment].self, "history").filter { $0.environment == "staging" }
        #expect(staging.first?.service == "api" && staging.first?.trigger == .push && staging.first?.outcome == .succeeded)
        #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "production" }.isEmpty)

        // A release tag: production's deployments, each waiting for its approval.
        _ = try await git(["tag", "v1.2.3"], in: clone)
        let tag = try await git(["push", "origin", "v1.2.3"], in: clone)
        #expect(tag.stderr.contains("remote: slipway: refs/tags/v1.2.3 "), "\(tag.stderr)")
        #expect(tag.stderr.contains("into production"), "\(tag.stderr)")
        let production = try await cli.json([Deployment].self, "history").filter { $0.environment == "production" }
        #expect(Set(production.map(\.service)) == ["api", "web"])
        #expect(production.allSatisfy { $0.outcome == .pending && $0.trigger == .push })

        // Refs no environment takes, and a deletion: nothing, one line each.
        _ = try await git(["checkout", "--quiet", "-b", "feature"], in: clone)
        let feature = try await git(["push", "origin", "feature"], in: clone)
        #expect(feature.stderr.contains("remote: slipway: refs/heads/feature: no environment deploys the branch feature"),
                "\(feature.stderr)")
        let deleted = try await git(["push", "origin", ":feature"], in: clone)
        #expect(deleted.stderr.contains("remote: slipway: refs/heads/feature (deleted): nothing deployed"), "\(deleted.stderr)")
        #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "staging" }.count == staging.count)
        #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "production" }.count == production.count)
    }
}
