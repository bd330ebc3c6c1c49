import SlipwayModel

/// The sentences the three strategies share about how a rollout ended.
extension RolloutOutcome {
    /// "aborted by alice: p95 doubled", or without a reason "aborted by alice".
    static func abortedBy(_ actor: String, _ reason: String?) -> String {
        reason.map { "aborted by \(actor): \($0)" } ?? "aborted by \(actor)"
    }

    /// Why `command` is refused once the rollout has ended, and what a person can do instead.
    func refusing(_ command: RolloutCommand) -> String {
        switch self {
        case .promoted:
            "nothing to \(command.rawValue): the rollout has ended and the new release takes all traffic; roll back to undo it"
        case .aborted(let reason, _):
            "nothing to \(command.rawValue): the rollout has ended, aborted (\(reason)); deploy again to try anew"
        }
    }
}
