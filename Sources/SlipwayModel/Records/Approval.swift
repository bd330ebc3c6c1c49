import Foundation

/// One approval (or the rejection) of a pending deployment: who, when, and what they said.
package struct Approval: Sendable, Equatable, Codable {
    package var actor: String
    package var at: Date
    package var comment: String?

    package init(actor: String, at: Date, comment: String? = nil) {
        self.actor = actor
        self.at = at
        self.comment = comment
    }
}

/// The body of `POST /v1/deployments/ID/approvals` and `.../rejections` (`comment` is a rejection's reason).
package struct ApprovalRequest: Sendable, Equatable, Codable {
    /// Set by the daemon from the caller, never read from the body.
    package var actor: String = ""
    package var comment: String?

    package init(actor: String = "", comment: String? = nil) {
        self.actor = actor
        self.comment = comment
    }

    private enum CodingKeys: String, CodingKey {
        case comment
    }
}
