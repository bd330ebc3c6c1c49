/// How a rollout ended.
package enum RolloutOutcome: Sendable, Equatable, Codable {
    /// The new release takes all traffic.
    case promoted
    /// The old release takes all traffic again. `verdict` is the analysis verdict that failed the
    /// canary; nil when something else ended it (a person, a failed check, an unhealthy instance).
    case aborted(reason: String, verdict: AnalysisVerdict?)
}
