import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `POST /v1/hooks/github` on a real daemon's TCP API, with real git repositories: the signature is
/// the credential (no bearer token), a push routes by environment as the post-receive hook's do,
/// a delivery sent again runs nothing, and a commit only `origin` has is fetched from it.
@Suite(.serialized) struct GitHubWebhookIntegrationTests {
    static let secret = "hook-secret-4f1c9a"

    /// Every file is the service's (`paths`), so a pushed range with a `before` deploys it.
    static let config = TestRepository.config() + """

            paths: ["**"]
        api:
          listen: 127.0.0.1:0
        github:
          secret_file: .slipway/github-webhook.secret
        environments:
          staging:
            proxy: { listen: 127.0.0.1:0 }
            branch: main
          production:
            proxy: { listen: 127.0.0.1:0 }
            tags: semver
            approvals: 1

        """

    /// A repository at v1.0.0 with the webhook's secret (mode 0600), a daemon over it.
    func withWebhook(_ body: (TestRepository, GitHub, CLI) async throws -> Void) async throws {
        let repository = try TestRepository(config: Self.config)
        defer { repository.remove() }
        try repository.write(".gitignore", ".slipway/\n")
        try FileManager.default.createDirectory(atPath: repository.root + "/.slipway", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try repository.write(".slipway/github-webhook.secret", Self.secret + "\n")
        chmod(repository.root + "/.slipway/github-webhook.secret", 0o600)
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        try await body(repository, GitHub(base: try await daemon.tcpAPI(), secret: Self.secret), CLI(repository: repository))
    }

    /// GitHub as a sender of deliveries.
    struct GitHub {
        enum Signing { case right, missing, forged }

        let base: String
        let secret: String

        func send(_ event: String, _ body: String, delivery: String = UUID().uuidString, signing: Signing = .right) async throws -> TCPAPI.Answer {
            var request = HTTPClientRequest(url: base + "/v1/hooks/github")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "GitHub-Hookshot/test")
            request.headers.add(name: "X-GitHub-Event", value: event)
            request.headers.add(name: "X-GitHub-Delivery", value: delivery)
            switch signing {
            case .right: request.headers.add(name: "X-Hub-Signature-256", value: Self.signature(body, secret: secret))
            case .forged: request.headers.add(name: "X-Hub-Signature-256", value: Self.signature(body, secret: "not-the-secret"))
            case .missing: break
            }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let text = try await response.body.collect(upTo: 16 << 20)
            return TCPAPI.Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: text))
        }

        static func signature(_ body: String, secret: String) -> String {
            let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
        }

        static func push(_ ref: String, before: String? = nil, after: String, login: String = "octocat") -> String {
            let zero = String(repeating: "0", count: 40)
            return """
                {"ref": "\(ref)", "before": "\(before ?? zero)", "after": "\(after)", "created": \(before == nil), "deleted": false,
                 "repository": {"full_name": "octo/app"}, "pusher": {"name": "\(login)"}, "sender": {"login": "\(login)"}}
                """
        }
    }

    static func answer(_ answer: TCPAPI.Answer) throws -> WebhookAnswer {
        try APICoding.decoder().decode(WebhookAnswer.self, from: Data(answer.body.utf8))
    }

    func head(_ repository: TestRepository, _ ref: String = "HEAD") async throws -> String {
        try await runProgram("/usr/bin/env", ["git", "rev-parse", ref], in: repository.root).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aSignedPushToMainDeploysIntoStagingOnlyAndARepeatedDeliveryRunsNothing() async throws {
        try await withWebhook { repository, github, cli in
            let ping = try await github.send("ping", #"{"zen": "Keep it logically awesome.", "hook_id": 1}"#)
            #expect(ping.status == 200, "\(ping.body)")
            #expect(try Self.answer(ping).pong == true)

            let commit = try await head(repository)
            let body = GitHub.push("refs/heads/main", after: commit)
            let first = try await github.send("push", body, delivery: "delivery-1")
            #expect(first.status == 202, "\(first.body)")
            let answer = try Self.answer(first)
            #expect(answer.runs.map(\.environment) == ["staging"])
            let id = try #require(answer.runs.first?.deployments.first, "\(first.body)")
            #expect(answer.runs.first?.plan?.waves.flatMap { $0.map(\.service) } == ["web"])
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await cli.json(Deployment.self, "show", id))?.outcome == .succeeded
            })
            let record = try await cli.json(Deployment.self, "show", id)
            #expect(record.environment == "staging" && record.commit == commit && record.trigger == .push)
            #expect(record.actor == "github:octocat")

            // GitHub sends it again (a retry, "Redeliver"): answered, not run.
            let again = try await github.send("push", body, delivery: "delivery-1")
            #expect(again.status == 200, "\(again.body)")
            #expect(try Self.answer(again).duplicate == true)
            #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "staging" }.count == 1)
            #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "production" }.isEmpty)

            // A branch no environment takes, a deleted branch, another event: nothing, said.
            let feature = try await github.send("push", GitHub.push("refs/heads/feature", after: commit))
            #expect(feature.status == 200 && feature.body.contains("no environment deploys the branch feature"), "\(feature.body)")
            let issues = try await github.send("issues", #"{"action": "opened"}"#)
            let ignored = try Self.answer(issues).ignored
            #expect(issues.status == 200 && ignored == true, "\(issues.body)")

            let audit = try await cli.json([AuditEntry].self, "audit").filter { $0.action == .webhookReceived }
            #expect(audit.contains { $0.actor == "github:octocat" && $0.detail.contains("delivery-1") && $0.detail.contains("staging") })
            #expect(audit.contains { $0.detail.contains("received before, not run again") })
            #expect(audit.contains { $0.actor == "github" && $0.detail.contains("ping") })
        }
    }

    @Test func aReleaseTagCreatesAPendingProductionDeployment() async throws {
        try await withWebhook { repository, github, cli in
            try repository.release("v1.2.3")
            let tagged = try await github.send("push", GitHub.push("refs/tags/v1.2.3", after: try await head(repository, "v1.2.3")))
            #expect(tagged.status == 202, "\(tagged.body)")
            let run = try #require(try Self.answer(tagged).runs.first)
            #expect(run.environment == "production" && run.ref == "v1.2.3")
            let id = try #require(run.deployments.first, "\(tagged.body)")
            let pending = try await cli.json(Deployment.self, "show", id)
            #expect(pending.outcome == .pending && pending.environment == "production" && pending.actor == "github:octocat")
            #expect(try await cli.json([Deployment].self, "history").filter { $0.environment == "staging" }.isEmpty)
            // A tag production's policy does not take deploys nothing.
            try repository.git("tag", "release-5")
            let other = try await github.send("push", GitHub.push("refs/tags/release-5", after: try await head(repository)))
            #expect(other.status == 200 && other.body.contains("no environment takes the tag release-5"), "\(other.body)")
        }
    }

    @Test func aForgedOrMissingSignatureIs401AuditedAndDeploysNothing() async throws {
        try await withWebhook { repository, github, cli in
            let body = GitHub.push("refs/heads/main", after: try await head(repository))
            for (signing, delivery) in [(GitHub.Signing.forged, "forged-1"), (.missing, "missing-1")] {
                let answer = try await github.send("push", body, delivery: delivery, signing: signing)
                #expect(answer.status == 401, "\(answer.body)")
                #expect(answer.error?.code == .unauthenticated, "\(answer.body)")
            }
            // The bearer routes still want their token: the exemption is this one route.
            let status = try await TCPAPI(base: github.base).send(.GET, "/v1/status", token: nil)
            #expect(status.status == 401)
            #expect(try await cli.json([Deployment].self, "history").isEmpty)
            let refused = try await cli.json([AuditEntry].self, "audit").filter { $0.action == .webhookRefused }
            #expect(refused.count == 2)
            #expect(refused.contains { $0.detail.contains("forged-1") && $0.detail.contains("does not match") })
            #expect(refused.contains { $0.detail.contains("missing-1") && $0.detail.contains("no X-Hub-Signature-256") })
            #expect(refused.allSatisfy { $0.actor == "github" && $0.detail.contains("from 127.0.0.1:") })
            let forgedSignature = GitHub.signature(body, secret: "not-the-secret")
            #expect(!refused.contains { $0.detail.contains(forgedSignature.dropFirst(7)) || $0.detail.contains(Self.secret) })
        }
    }

    @Test func aCommitOnlyOriginHasIsFetchedAndOneNobodyHasIs422() async throws {
        try await withWebhook { repository, github, cli in
            let before = try await head(repository)
            let origin = repository.root + "-origin.git"
            let other = repository.root + "-other"
            defer {
                try? FileManager.default.removeItem(atPath: origin)
                try? FileManager.default.removeItem(atPath: other)
            }
            let git = { (arguments: [String], directory: String) async throws in
                let result = try await runProgram("/usr/bin/env", ["git", "-c", "user.name=Pusher", "-c", "user.email=p@slipway.invalid",
                                                                   "-c", "commit.gpgsign=false"] + arguments, in: directory)
                #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            }
            try await git(["clone", "--quiet", "--bare", repository.root, origin], "/")
            try await git(["remote", "add", "origin", origin], repository.root)
            try await git(["clone", "--quiet", origin, other], "/")
            try "v2.0.0\n".write(toFile: other + "/VERSION", atomically: true, encoding: .utf8)
            try await git(["commit", "--quiet", "-am", "v2.0.0"], other)
            try await git(["push", "--quiet", "origin", "main"], other)
            let pushed = try await runProgram("/usr/bin/env", ["git", "rev-parse", "HEAD"], in: other).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)

            let missing = String(repeating: "e", count: 40)
            let lacking = try await github.send("push", GitHub.push("refs/heads/main", before: before, after: missing), delivery: "lacking-1")
            #expect(lacking.status == 422, "\(lacking.body)")
            #expect(lacking.error?.message.contains(missing) == true && lacking.error?.message.contains("origin") == true, "\(lacking.body)")

            let fetched = try await github.send("push", GitHub.push("refs/heads/main", before: before, after: pushed))
            #expect(fetched.status == 202, "\(fetched.body)")
            let id = try #require(try Self.answer(fetched).runs.first?.deployments.first, "\(fetched.body)")
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await cli.json(Deployment.self, "show", id))?.outcome == .succeeded
            })
            #expect(try await cli.json(Deployment.self, "show", id).commit == pushed)
            let staging = try #require(try await cli.status().environments?.first { $0.name == "staging" })
            #expect(try await LoopbackHTTP.get("http://\(staging.proxy)/").body == "hello from v2.0.0\n")
            let refused = try await cli.json([AuditEntry].self, "audit").filter { $0.action == .webhookRefused }
            #expect(refused.contains { $0.detail.contains("lacking-1") && $0.actor == "github:octocat" })
        }
    }
}
