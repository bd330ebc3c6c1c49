import Foundation
import SlipwayModel
import SlipwayNotify
import Testing

/// No credential and no configured secret reaches a message, a body or a recorded error.
@Suite struct SecretLeakTests {
    static let everySecret = [TestSecrets.slackPath, TestSecrets.telegramToken, TestSecrets.hookSecret,
                              TestSecrets.databasePassword]

    /// A notification whose free text quotes every credential, as a careless error message might.
    static func leakyNotification() -> DeploymentNotification {
        var notification = failedNotification()
        notification.deployment.message = "posting to \(TestSecrets.slackPath) with \(TestSecrets.telegramToken) failed"
        notification.nextStep = "check HOOK_SECRET=\(TestSecrets.hookSecret) and \(TestSecrets.databasePassword)"
        notification.failedStage = .health
        return notification
    }

    @Test func messagesAndBodiesHoldNoSecret() async throws {
        try await withReceiver { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver), telegram(receiver), webhook(receiver)],
                                           redactor: configRedactor)
            let deliveries = await notifier.notify(Self.leakyNotification())
            #expect(deliveries.map(\.delivered) == [true, true, true])
            let requests = receiver.requests
            #expect(requests.count == 3)
            for request in requests {
                for secret in Self.everySecret {
                    #expect(!request.bodyText.contains(secret), "\(request.uri) body holds a secret")
                }
                for header in request.headers where header.name.lowercased().hasPrefix("x-slipway") {
                    #expect(!Self.everySecret.contains { header.value.contains($0) })
                }
                #expect(request.bodyText.contains("******"))
            }
        }
    }

    @Test func errorsHoldNoSecretEvenWhenTheServerEchoesIt() async throws {
        // A server that quotes the request back, token and all, in its refusal.
        try await withReceiver(answer: { _, request in
            .status(401, body: "invalid credentials for \(request.uri) \(TestSecrets.hookSecret)")
        }) { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver), telegram(receiver), webhook(receiver)],
                                           redactor: configRedactor)
            let deliveries = await notifier.notify(Self.leakyNotification())
            #expect(deliveries.count == 3)
            for delivery in deliveries {
                #expect(delivery.delivered == false)
                let error = try #require(delivery.error)
                #expect(error.hasPrefix("HTTP 401: invalid credentials for "))
                #expect(error.contains("******"))
                #expect(!Self.everySecret.contains { error.contains($0) }, "\(delivery.channel): \(error)")
            }
        }
    }
}
