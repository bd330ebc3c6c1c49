import Foundation

/// An ACME request that failed: the server's problem document (RFC 8555 §6.7, RFC 7807) when it
/// sent one, its `type` (`urn:ietf:params:acme:error:connection`) and `detail` as given, or what
/// went wrong on our side (no answer, an answer that is not ACME, an order that never ended).
package struct ACMEError: Error, Sendable, CustomStringConvertible {
    /// The problem's `type`; for a failure of ours, `slipway:` and a word (`slipway:timeout`).
    package let type: String
    package let detail: String
    /// The HTTP status, when there was an answer.
    package let status: Int?

    package init(type: String, detail: String, status: Int? = nil) {
        self.type = type
        self.detail = detail
        self.status = status
    }

    static func local(_ word: String, _ detail: String) -> ACMEError {
        ACMEError(type: "slipway:\(word)", detail: detail)
    }

    /// `badNonce`: the one error a client retries at once, with the fresh nonce the answer carries (§6.5).
    var isBadNonce: Bool { type == "urn:ietf:params:acme:error:badNonce" }
    /// The server no longer knows the account (a test CA restarted, an account deactivated elsewhere).
    var isAccountUnknown: Bool { type == "urn:ietf:params:acme:error:accountDoesNotExist" }

    package var description: String {
        status.map { "\(type) (HTTP \($0)): \(detail)" } ?? "\(type): \(detail)"
    }
}

/// The JSON of a problem document; `subproblems` are folded into the detail.
struct ProblemDocument: Decodable {
    var type: String?
    var detail: String?
    var subproblems: [ProblemDocument]?

    func error(status: Int?) -> ACMEError {
        var detail = self.detail ?? "no detail given"
        if let subproblems, !subproblems.isEmpty {
            detail += " (" + subproblems.map { "\($0.type ?? "?"): \($0.detail ?? "")" }.joined(separator: "; ") + ")"
        }
        return ACMEError(type: type ?? "about:blank", detail: detail, status: status)
    }
}
