import SlipwayModel

/// How instances that are not (yet) serving ended, for a health gate's message: the exits of the
/// instances a gate has claimed, and the last few exits nobody had claimed. An instance that dies
/// as it starts can be reported before its deployment, back from `start`, has claimed it.
struct ExitLedger: Sendable {
    private var claimed: [Instance: String?] = [:]
    private var unclaimed: [(instance: Instance, summary: String)] = []

    mutating func claim(_ instance: Instance) {
        if claimed[instance] == nil { claimed[instance] = .some(nil) }
    }

    mutating func release(_ instance: Instance) { claimed[instance] = nil }

    /// Notes an exit; `serving` says whether the instance is the active or warm one (their exits are
    /// the service's, not a gate's).
    mutating func note(_ exit: InstanceExit, serving: Bool) {
        if claimed[exit.instance] != nil {
            claimed[exit.instance] = .some(exit.summary)
        } else if !exit.requested, !serving {
            unclaimed.append((exit.instance, exit.summary))
            if unclaimed.count > 8 { unclaimed.removeFirst() }
        }
    }

    /// How `instance` ended, once its exit has been reported.
    func summary(of instance: Instance) -> String? {
        if case .some(.some(let summary)) = claimed[instance] { return summary }
        return unclaimed.last { $0.instance == instance }?.summary
    }
}
