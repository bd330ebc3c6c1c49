import Foundation
import SlipwayModel

/// Sends one channel's message until it is delivered, refused for good, or the budget runs out:
/// retrying network errors, timeouts, 408, 429 and 5xx with exponential backoff, waiting for a
/// `Retry-After` that fits in what is left of the budget.
struct ChannelDelivery {
    struct Result {
        var delivered: Bool
        var attempts: Int
        var error: String?
    }

    let attempt: HTTPAttempt
    let policy: DeliveryPolicy

    func deliver(_ message: ChannelMessage, by deadline: ContinuousClock.Instant, budget: Duration) async -> Result {
        var attempts = 0
        var lastFailure = "no attempt fitted in the \(DurationText.format(budget)) budget"
        while attempts < policy.maxAttempts {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining >= policy.minimumAttemptTime, !Task.isCancelled else { break }
            attempts += 1
            let timeout = min(policy.attemptTimeout, remaining - HTTPAttempt.grace)
            let outcome = await attempt.run(message.request(at: Date()), timeout: timeout)
            switch outcome {
            case .delivered:
                return Result(delivered: true, attempts: attempts, error: nil)
            case .permanent(let reason):
                return Result(delivered: false, attempts: attempts, error: reason)
            case .retryable(let reason, let retryAfter):
                lastFailure = reason
                guard attempts < policy.maxAttempts else {
                    return Result(delivered: false, attempts: attempts, error: reason)
                }
                var wait = policy.backoff(after: attempts)
                if let retryAfter {
                    guard retryAfter <= policy.maxRetryAfter else {
                        return Result(delivered: false, attempts: attempts,
                                      error: "\(reason); the server asked to retry after \(DurationText.format(retryAfter))")
                    }
                    wait = max(wait, retryAfter)
                }
                guard ContinuousClock.now.duration(to: deadline) >= wait + policy.minimumAttemptTime else {
                    return Result(delivered: false, attempts: attempts,
                                  error: "\(reason); gave up within the \(DurationText.format(budget)) budget")
                }
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return Result(delivered: false, attempts: attempts, error: "\(reason); cancelled")
                }
            }
        }
        return Result(delivered: false, attempts: attempts, error: lastFailure)
    }
}
