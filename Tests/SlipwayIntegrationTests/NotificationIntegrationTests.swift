import Crypto
import Foundation
import SlipwayModel
import Testing

/// Notifications from the real daemon to a local receiver standing in for Slack and a webhook
/// endpoint: they arrive for each event, the webhook's signature verifies, and no secret is in them.
@Suite(.serialized) struct NotificationIntegrationTests {
    @Test func deploymentsNotifyWithSignedWebhooksAndNoSecrets() async throws {
        let receiver = try await NotificationReceiver()
        defer { receiver.stop() }
        let port = receiver.port

        let secret = "whsec-0123456789abcdef-do-not-leak"
        let slackPath = "/slack/T000/B000/slack-path-secret"
        let repository = try TestRepository(config: TestRepository.config(startTimeout: "1s") + """

            notify:
              - slack: { webhook: "${SLACK_WEBHOOK}" }
              - webhook: { url: "http://127.0.0.1:\(port)/hook", secret: "${HOOK_SECRET}" }
                on: [failed, rolled_back, critical]
            """)
        defer { repository.remove() }
        try FileManager.default.createDirectory(atPath: repository.root + "/.slipway", withIntermediateDirectories: true)
        try "SLACK_WEBHOOK=http://127.0.0.1:\(port)\(slackPath)\nHOOK_SECRET=\(secret)\n"
            .write(toFile: repository.root + "/.slipway/secrets.env", atomically: true, encoding: .utf8)
        chmod(repository.root + "/.slipway/secrets.env", 0o600)
        try repository.release("v1")
        try repository.release("v2", health: "fail")

        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let ok = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v1")
        let failed = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v2")
        #expect(failed.exitCode == .deployFailed)

        let received = try receiver.received()
        let slack = received.filter { $0.path == slackPath }
        let hooks = received.filter { $0.path == "/hook" }
        // Slack hears every event (started, succeeded, started, failed); the webhook only failures.
        #expect(slack.count == 4)
        #expect(hooks.count == 1)
        let failureText = String(decoding: slack.last?.raw ?? Data(), as: UTF8.self)
        #expect(failureText.contains("web") && failureText.contains("v2") && failureText.contains("health"))

        let hook = try #require(hooks.first)
        let timestamp = try #require(hook.headers["X-Slipway-Timestamp"])
        let signature = HMAC<SHA256>.authenticationCode(for: Data((timestamp + ".").utf8) + hook.raw,
                                                         using: SymmetricKey(data: Data(secret.utf8)))
        let hex = signature.map { String(format: "%02x", $0) }.joined()
        #expect(hook.headers["X-Slipway-Signature"] == "sha256=" + hex)
        let event = try APICoding.decoder().decode(DeploymentNotification.self, from: hook.raw)
        #expect(event.event == .failed)
        #expect(event.deployment.id == failed.id)

        // No secret anywhere: not in what was sent, not in the records.
        for message in received {
            let text = String(decoding: message.raw, as: UTF8.self)
            #expect(!text.contains(secret) && !text.contains("slack-path-secret"))
        }
        let records = try await cli.run("history", "--json").stdout + (try await cli.run("logs", ok.id).stdout)
        #expect(!records.contains(secret) && !records.contains("slack-path-secret"))
        #expect(failed.notifications.map(\.channel).sorted() == ["slack", "slack", "webhook"])
    }
}
