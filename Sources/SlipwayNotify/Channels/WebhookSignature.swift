import Crypto
import Foundation

/// The signature of a generic webhook, as Stripe signs its own: an HMAC-SHA256, keyed with the
/// channel's secret, of the timestamp, a `.`, and the raw body. Signing the timestamp with the body
/// lets a receiver refuse a replayed request (one whose timestamp is too old) without the
/// attacker being able to change it. See docs/NOTIFICATIONS.md for how a receiver verifies it.
package struct WebhookSignature: Sendable {
    package static let signatureHeader = "X-Slipway-Signature"
    package static let timestampHeader = "X-Slipway-Timestamp"
    package static let scheme = "sha256"

    private let secret: [UInt8]

    package init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    /// Whole seconds since the Unix epoch.
    package static func timestamp(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The lowercase hex HMAC-SHA256 of `<timestamp>.<body>`.
    package func hex(timestamp: Int64, body: some Collection<UInt8>) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: Array(body))
        return hmac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `sha256=<hex>`: the value of `X-Slipway-Signature`.
    package func headerValue(timestamp: Int64, body: some Collection<UInt8>) -> String {
        "\(Self.scheme)=\(hex(timestamp: timestamp, body: body))"
    }
}
