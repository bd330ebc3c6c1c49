import Foundation
import GRDB
import SlipwayModel

/// The GitHub webhook's deliveries (`webhook_delivery`): each id claimed once, so a delivery sent
/// again is not run twice. Ids older than `kept` are forgotten: GitHub redelivers only recent ones.
extension SQLiteReleaseStore {
    static let deliveriesKept: TimeInterval = 30 * 24 * 3600

    /// Claims `id`: true the first time, false when it was claimed before (and not released).
    package func claimDelivery(id: String, event: String, at date: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE received_at < ?",
                           arguments: [date.timeIntervalSince1970 - Self.deliveriesKept])
            try db.execute(sql: "INSERT OR IGNORE INTO webhook_delivery (id, event, received_at) VALUES (?, ?, ?)",
                           arguments: [id, event, date.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    /// Forgets a claim whose delivery started nothing (refused after it was claimed), so that
    /// GitHub's "Redeliver" of it runs once the cause is fixed.
    package func releaseDelivery(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE id = ?", arguments: [id])
        }
    }
}
