/// What a person may tell a running rollout (`slipway rollout SERVICE pause|resume|promote|abort`).
/// Each strategy answers every command: one that does not apply now is refused with a sentence
/// saying why and what would.
package enum RolloutCommand: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// Hold the rollout where it is: timers stop, traffic stays as it is.
    case pause
    /// Go on after a `pause`.
    case resume
    /// Go on to the next step now (a paused, manual or inconclusive step; a window judged at once).
    case promote
    /// Send all traffic to the new release now, without judging anything more. Needs a reason,
    /// recorded with the actor.
    case promoteSkippingAnalysis = "promote_skipping_analysis"
    /// Put all traffic back on the old release and end the rollout.
    case abort
}
