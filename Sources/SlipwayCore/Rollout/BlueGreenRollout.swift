import SlipwayModel

/// A blue-green rollout as a plain state machine: the new release runs beside the old one,
/// reachable only on its preview route, until a person promotes it (or `auto_switch` has passed);
/// then all production traffic moves to it at once. Aborting discards the preview; production never
/// left the old release.
///
/// `begin` comes once the preview is healthy *and its smoke tests passed*: smoke tests are the
/// driver's, run against the preview route before any rollout starts, and a failure there ends the
/// deployment without one. The machine holds only what follows: the wait and the switch, which
/// `auto_switch` counts from that moment, as `BlueGreenConfig` says.
package struct BlueGreenRollout: Sendable {
    package enum Event: Sendable, Equatable {
        /// The preview is healthy, its smoke tests passed: production may switch to it.
        case begin(at: Duration)
        /// A wake the machine asked for has come (or an older one: then nothing happens).
        case timer(at: Duration)
        case command(RolloutCommand, at: Duration, actor: String, reason: String?)
    }

    package enum Action: Sendable, Equatable {
        /// Send `timer` at this clock reading (the auto switch).
        case wake(at: Duration)
        /// All production traffic to the new release at once; the preview route has served its purpose.
        case switchAll
        /// Take down the preview route and stop the new release's instances.
        case discardPreview
        /// The command does not apply now; the sentence says why and what would.
        case refuse(String)
        /// The last action: after it events do nothing and commands are refused.
        case finish(RolloutOutcome)
    }

    enum State: Sendable, Equatable {
        case ready
        /// `until`: the auto switch, nil to wait for promote.
        case previewing(until: Duration?)
        case finished(RolloutOutcome)
    }

    package let config: BlueGreenConfig
    var state: State = .ready
    var startedAt: Duration?

    package init(config: BlueGreenConfig) {
        self.config = config
    }

    package mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.ready, .begin(let at)):
            startedAt = at
            let until = config.autoSwitch.map { at + $0 }
            state = .previewing(until: until)
            return until.map { [.wake(at: $0)] } ?? []
        case (.previewing(let until?), .timer(let at)):
            guard at >= until else { return [] }
            return switchAll()
        case (_, .command(let command, _, let actor, let reason)):
            return handle(command, actor: actor, reason: reason)
        default:
            return []
        }
    }

    private mutating func handle(_ command: RolloutCommand, actor: String, reason: String?) -> [Action] {
        switch (state, command) {
        case (.finished(let outcome), _):
            return [.refuse(outcome.refusing(command))]
        case (_, .abort):
            // Before begin there is a preview too: the new release is running on it.
            return [.discardPreview, finish(.aborted(reason: RolloutOutcome.abortedBy(actor, reason), verdict: nil))]
        case (.ready, _):
            return [.refuse("the preview is not ready yet: nothing to \(command.rawValue); abort to discard it")]
        case (.previewing, .promote), (.previewing, .promoteSkippingAnalysis):
            // Blue-green has no analysis to skip: both switch now.
            return switchAll()
        case (.previewing(let until), .pause), (.previewing(let until), .resume):
            let wait = until == nil ? "it waits for promote" : "it switches by itself (auto_switch) unless aborted first"
            return [.refuse("nothing to \(command.rawValue) in blue-green: production stays on the old release "
                + "while the preview is tried, and \(wait); promote to switch now, or abort to discard the preview")]
        }
    }

    private mutating func switchAll() -> [Action] {
        [.switchAll, finish(.promoted)]
    }

    private mutating func finish(_ outcome: RolloutOutcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }

    /// Where the rollout is, for `slipway rollout SERVICE` and the API.
    package var status: RolloutStatus {
        var status = RolloutStatus(strategy: .blueGreen, phase: .ready, step: 0, steps: 1, weight: 0, startedAt: startedAt)
        switch state {
        case .ready:
            break
        case .previewing(let until):
            status.phase = .previewing
            status.until = until
        case .finished(let outcome):
            status.phase = .finished
            status.outcome = outcome
            if outcome == .promoted { status.weight = 100 }
        }
        return status
    }
}
