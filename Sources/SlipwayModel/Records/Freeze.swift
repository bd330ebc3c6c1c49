import Foundation

/// `slipway freeze ENV --reason`: no new deployment or promotion into the environment until
/// `unfreeze` (rollbacks stay allowed: that is what incidents need). Survives restarts.
package struct Freeze: Sendable, Equatable, Codable {
    package var environment: String
    package var actor: String
    package var reason: String
    package var at: Date

    package init(environment: String, actor: String, reason: String, at: Date) {
        self.environment = environment
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// The body of `POST /v1/freezes`.
package struct FreezeRequest: Sendable, Equatable, Codable {
    package var environment: String
    package var reason: String
    /// Set by the daemon from the caller, never read from the body.
    package var actor: String = ""

    package init(environment: String, reason: String, actor: String = "") {
        self.environment = environment
        self.reason = reason
        self.actor = actor
    }

    private enum CodingKeys: String, CodingKey {
        case environment, reason
    }
}
