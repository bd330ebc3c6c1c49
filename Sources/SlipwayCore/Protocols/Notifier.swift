import SlipwayModel

/// Tells people about deployments (Slack, Telegram, signed webhooks, ...).
///
/// Delivery retries with backoff inside `notify`, but never throws and never takes longer than its
/// own bounded budget: a notification must not block or fail a deployment. The returned deliveries
/// (one per channel that subscribes to the event) go into the deployment's record.
package protocol Notifier: Sendable {
    func notify(_ notification: DeploymentNotification) async -> [NotificationDelivery]
}

/// No channels configured.
package struct SilentNotifier: Notifier {
    package init() {}
    package func notify(_ notification: DeploymentNotification) async -> [NotificationDelivery] { [] }
}
