/// How hard one channel is tried within a notification's budget.
package struct DeliveryPolicy: Sendable, Equatable {
    /// The longest one request may take (connect, send, answer); less when the budget has less left.
    package var attemptTimeout: Duration
    package var maxAttempts: Int
    /// The wait after the first failed attempt, doubled after each next one up to `maxBackoff`, each
    /// wait drawn between half and all of that so channels failing together do not retry in step.
    package var initialBackoff: Duration
    package var maxBackoff: Duration
    /// The longest `Retry-After` honoured; a server asking for more is not waited for.
    package var maxRetryAfter: Duration
    /// No attempt is started with less of the budget left than this: it could not succeed.
    package var minimumAttemptTime: Duration

    package init(attemptTimeout: Duration = .seconds(5), maxAttempts: Int = 5,
                initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(4),
                maxRetryAfter: Duration = .seconds(5), minimumAttemptTime: Duration = .milliseconds(100)) {
        self.attemptTimeout = attemptTimeout
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        // An attempt must outlast the grace its timer gives the client (`HTTPAttempt.grace`).
        self.minimumAttemptTime = max(minimumAttemptTime, .milliseconds(100))
    }

    /// The wait after failed attempt number `attempt` (1 for the first), before any `Retry-After`.
    func backoff(after attempt: Int, jitter: Double = Double.random(in: 0.5...1)) -> Duration {
        let doublings = min(attempt - 1, 30)
        let full = min(maxBackoff, initialBackoff * Double(1 << doublings))
        return full * jitter
    }
}
