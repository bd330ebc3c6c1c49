import Foundation
import SlipwayModel

/// Credentials that must never leave the process in clear.
enum TestSecrets {
    static let slackPath = "/services/T000/B000/XXXXsecretslackpath"
    static let telegramToken = "123456:ABC-telegram-secret-token"
    static let hookSecret = "whsec_0123456789abcdef0123456789"
    static let databasePassword = "p4ssw0rd-from-env"
}

/// A failed deployment of `web` 10 seconds long, whose message quotes the database password.
func failedNotification(event: DeploymentNotification.Event = .failed) -> DeploymentNotification {
    let start = Date(timeIntervalSince1970: 1_750_000_000)
    let deployment = Deployment(
        id: "d-20250615-0007", kind: .deploy, service: "web", ref: "main", fromRelease: "r-1", toRelease: "r-2",
        version: "v1.4.0", commit: "3f2a9c1d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", actor: "alice",
        startedAt: start, finishedAt: start.addingTimeInterval(42), outcome: .failed, exitCode: .deployFailed,
        message: "release did not become healthy: connect postgres://app:\(TestSecrets.databasePassword)@db/app refused",
        stages: [StageRecord(name: .health, startedAt: start, finishedAt: start.addingTimeInterval(40),
                             outcome: .failed, message: "password \(TestSecrets.databasePassword) rejected")])
    return DeploymentNotification(event: event, deployment: deployment, failedStage: .health,
                                  nextStep: "slipway logs d-20250615-0007")
}

func slack(_ receiver: RecordingReceiver, on events: Set<DeploymentNotification.Event>? = nil) -> NotifyChannel {
    channel(.slack(SlackChannel(webhook: receiver.baseURL + TestSecrets.slackPath)), events)
}

func telegram(_ receiver: RecordingReceiver, on events: Set<DeploymentNotification.Event>? = nil) -> NotifyChannel {
    channel(.telegram(TelegramChannel(token: TestSecrets.telegramToken, chat: "46808774", baseURL: receiver.baseURL)),
            events)
}

func webhook(_ receiver: RecordingReceiver, on events: Set<DeploymentNotification.Event>? = nil) -> NotifyChannel {
    channel(.webhook(WebhookChannel(url: receiver.baseURL + "/hooks/slipway", secret: TestSecrets.hookSecret)), events)
}

private func channel(_ destination: NotifyChannel.Destination,
                     _ events: Set<DeploymentNotification.Event>?) -> NotifyChannel {
    events.map { NotifyChannel(destination, events: $0) } ?? NotifyChannel(destination)
}

/// The redactor the daemon would build: the database password came from `${DB_PASSWORD}`.
let configRedactor = Redactor(secrets: [TestSecrets.databasePassword])

/// Runs `body` with a receiver, stopping it afterwards whatever happens.
func withReceiver<T>(answer: @escaping @Sendable (Int, RecordingReceiver.Request) -> RecordingReceiver.Answer
                         = { _, _ in .status(200, body: "ok") },
                     _ body: (RecordingReceiver) async throws -> T) async throws -> T {
    let receiver = try await RecordingReceiver(answer: answer)
    do {
        let result = try await body(receiver)
        try await receiver.stop()
        return result
    } catch {
        try? await receiver.stop()
        throw error
    }
}
