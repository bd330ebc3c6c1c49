import AsyncHTTPClient
import Foundation
import Logging
import SlipwayCore
import SlipwayModel

/// Tells Slack, Telegram and signed webhooks about deployments.
///
/// Every channel subscribed to the event is sent to at once; each retries on its own (see
/// `DeliveryPolicy`) within one shared budget, so `notify` returns within `budget` of being called
/// whatever the servers do, with one delivery per channel in the order the channels were given.
/// It never throws. Every text sent and every error recorded has passed through the redactor, which
/// also knows each channel's own credentials.
package struct ChannelNotifier: Notifier {
    private let channels: [NotifyChannel]
    private let redactor: Redactor
    private let httpClient: HTTPClient
    private let budget: Duration
    private let policy: DeliveryPolicy
    private let logger: Logger

    package init(channels: [NotifyChannel], redactor: Redactor, httpClient: HTTPClient = .shared,
                budget: Duration = .seconds(10), policy: DeliveryPolicy = DeliveryPolicy(),
                logger: Logger = Logger(label: "slipway.notify")) {
        self.channels = channels
        self.redactor = redactor.adding(channels.flatMap(\.credentials))
        self.httpClient = httpClient
        self.budget = budget
        self.policy = policy
        self.logger = logger
    }

    package func notify(_ notification: DeploymentNotification) async -> [NotificationDelivery] {
        let deadline = ContinuousClock.now + budget
        let subscribed = channels.filter { $0.subscribes(to: notification.event) }
        guard !subscribed.isEmpty else { return [] }
        let redacted = notification.redacted(by: redactor)
        let deliveryID = UUID().uuidString.lowercased()
        let now = Date()
        let messages = subscribed.map {
            ChannelMessage.make(for: $0, notification: redacted, redactor: redactor, deliveryID: deliveryID, now: now)
        }
        let delivery = ChannelDelivery(attempt: HTTPAttempt(client: httpClient, logger: logger), policy: policy)
        let budget = self.budget
        return await withTaskGroup(of: (Int, NotificationDelivery).self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    let result = await delivery.deliver(message, by: deadline, budget: budget)
                    return (index, record(result, of: message, event: notification.event))
                }
            }
            var deliveries: [(Int, NotificationDelivery)] = []
            for await delivery in group { deliveries.append(delivery) }
            return deliveries.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func record(_ result: ChannelDelivery.Result, of message: ChannelMessage,
                        event: DeploymentNotification.Event) -> NotificationDelivery {
        let error = result.error.map(redactor.redact)
        var metadata: Logger.Metadata = ["channel": "\(message.kind)", "event": "\(event.rawValue)",
                                         "attempts": "\(result.attempts)"]
        if let error {
            metadata["error"] = "\(error)"
            logger.warning("notification not delivered", metadata: metadata)
        } else {
            logger.debug("notification delivered", metadata: metadata)
        }
        return NotificationDelivery(channel: message.kind, event: event, delivered: result.delivered,
                                    attempts: result.attempts, error: error, at: Date())
    }
}
