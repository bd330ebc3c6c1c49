/// How one HTTP attempt ended, judged for retrying.
enum AttemptOutcome: Sendable, Equatable {
    case delivered
    /// A network error, a timeout, 408, 429 or 5xx: another attempt may succeed.
    case retryable(String, retryAfter: Duration?)
    /// Any other answer (a 4xx, a malformed URL): the same request will fail the same way.
    case permanent(String)

    static func retryable(_ reason: String) -> AttemptOutcome {
        .retryable(reason, retryAfter: nil)
    }

    /// The outcome of a response with `status`, `retryAfter` as the server asked, and `detail`
    /// (a short piece of the body) to say why it refused.
    static func judging(status: Int, retryAfter: Duration?, detail: String) -> AttemptOutcome {
        if (200..<300).contains(status) { return .delivered }
        let reason = "HTTP \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        if status == 408 || status == 429 || (500..<600).contains(status) {
            return .retryable(reason, retryAfter: retryAfter)
        }
        return .permanent(reason)
    }
}
