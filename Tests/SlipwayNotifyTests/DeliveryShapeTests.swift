import Crypto
import Foundation
import SlipwayModel
import SlipwayNotify
import Testing

/// What each channel's server receives, checked at a local fake of that server.
@Suite struct DeliveryShapeTests {
    @Test func slackGetsMrkdwnTextAtItsWebhook() async throws {
        try await withReceiver { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver)], redactor: configRedactor)
            let deliveries = await notifier.notify(failedNotification())
            #expect(deliveries.map(\.channel) == ["slack"])
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.attempts == 1)
            #expect(deliveries.first?.error == nil)
            let request = try #require(receiver.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == TestSecrets.slackPath)
            #expect(request.header("Content-Type") == "application/json")
            let payload = try JSONDecoder().decode([String: String].self, from: Data(request.body))
            let text = try #require(payload["text"])
            #expect(text.contains("*web*"))
            #expect(text.contains("v1.4.0"))
            #expect(text.contains("`3f2a9c1`"))
            #expect(text.contains("failed at *health* after 42s"))
            #expect(text.contains("Next: `slipway logs d-20250615-0007`"))
            #expect(text.contains("d-20250615-0007"))
        }
    }

    @Test func telegramGetsSendMessageWithChatAndPlainText() async throws {
        try await withReceiver { receiver in
            let notifier = ChannelNotifier(channels: [telegram(receiver)], redactor: configRedactor)
            let deliveries = await notifier.notify(failedNotification(event: .rolledBack))
            #expect(deliveries.map(\.delivered) == [true])
            let request = try #require(receiver.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/bot\(TestSecrets.telegramToken)/sendMessage")
            let payload = try JSONDecoder().decode([String: String].self, from: Data(request.body))
            #expect(payload["chat_id"] == "46808774")
            let text = try #require(payload["text"])
            #expect(text.hasPrefix("↩️ Deploy of web v1.4.0 was rolled back after 42s: health failed"))
            #expect(!text.contains("*web*") && !text.contains("`"))
            #expect(text.contains("commit 3f2a9c1"))
        }
    }

    @Test func webhookBodyIsTheNotificationSignedWithTimestamp() async throws {
        try await withReceiver { receiver in
            let notifier = ChannelNotifier(channels: [webhook(receiver)], redactor: configRedactor)
            let before = Int64(Date().timeIntervalSince1970)
            let deliveries = await notifier.notify(failedNotification())
            #expect(deliveries.map(\.delivered) == [true])
            let request = try #require(receiver.requests.first)
            #expect(request.uri == "/hooks/slipway")
            #expect(request.header("X-Slipway-Event") == "failed")
            #expect(request.header("X-Slipway-Delivery")?.isEmpty == false)

            let timestamp = try #require(request.header("X-Slipway-Timestamp").flatMap { Int64($0) })
            #expect(timestamp >= before && timestamp <= Int64(Date().timeIntervalSince1970))
            // Recomputed here from the documented scheme, not with Slipway's own signer.
            let key = SymmetricKey(data: Data(TestSecrets.hookSecret.utf8))
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).".utf8) + Data(request.body), using: key)
            let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
            #expect(request.header("X-Slipway-Signature") == expected)

            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let body = try decoder.decode(DeploymentNotification.self, from: Data(request.body))
            #expect(body.event == .failed)
            #expect(body.deployment.id == "d-20250615-0007")
            #expect(body.deployment.service == "web")
            #expect(body.failedStage == .health)
            #expect(body.nextStep == "slipway logs d-20250615-0007")
        }
    }

    @Test func onFiltersEventsAndDeliveriesKeepChannelOrder() async throws {
        try await withReceiver { receiver in
            let channels = [
                slack(receiver, on: [.failed, .critical]),
                telegram(receiver, on: [.succeeded]),
                webhook(receiver),
            ]
            let notifier = ChannelNotifier(channels: channels, redactor: configRedactor)
            let failed = await notifier.notify(failedNotification(event: .failed))
            #expect(failed.map(\.channel) == ["slack", "webhook"])
            #expect(failed.allSatisfy { $0.delivered && $0.event == .failed })
            let started = await notifier.notify(failedNotification(event: .started))
            #expect(started.map(\.channel) == ["webhook"])
            #expect(receiver.requests.count == 3)
            #expect(receiver.requests.filter { $0.uri.hasPrefix("/bot") }.isEmpty)
        }
    }

    @Test func noSubscribedChannelSendsNothing() async throws {
        try await withReceiver { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver, on: [.critical])], redactor: configRedactor)
            #expect(await notifier.notify(failedNotification(event: .succeeded)).isEmpty)
            #expect(receiver.requests.isEmpty)
        }
    }
}
