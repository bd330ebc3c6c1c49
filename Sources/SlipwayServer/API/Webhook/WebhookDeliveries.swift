import Foundation
import SlipwayStore

/// Where the webhook remembers the deliveries it ran (`webhook_delivery`, migration
/// `v4-webhook-deliveries`), so that one sent again is not run twice.
protocol WebhookDeliveries: Sendable {
    /// True the first time `id` is claimed; false when it was claimed before.
    func claimDelivery(id: String, event: String, at date: Date) async throws -> Bool
    /// Forgets a claim whose delivery started nothing.
    func releaseDelivery(id: String) async throws
}

extension SQLiteReleaseStore: WebhookDeliveries {}
