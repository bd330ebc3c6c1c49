import SlipwayModel

/// A canary rollout as a plain state machine, once the new release's instances passed their health
/// gate: a growing share of requests goes to them, step by step (`canary.steps`), each step judged
/// by `CanaryAnalysis` over a window of requests. No I/O, no clock reads: every event carries the
/// clock's reading, and the driver performs the actions (weights on the proxy, counter snapshots,
/// wakes, the `run` check) and feeds back what came of them.
///
/// A step below 100%: `setWeight`, `openWindow`, `wake` at the window's end, `collectWindow`, then
/// the verdict: pass ends the step (then the `run` check, then the pause), wait keeps the window
/// open until `max_wait`, after which the step is inconclusive and a person decides, fail puts all
/// traffic back on the baseline. Reaching 100% is the promotion: there is no baseline left to judge
/// against.
///
/// A wake is only acted on when it is due: the deadline lives in the state that asked for it, so a
/// wake from an earlier window, or one that arrives while paused, checking or finished, does
/// nothing. Each `collectWindow` is answered by one `windowCollected`, in order; one that arrives
/// after a pause dropped the collection is ignored.
package struct CanaryRollout: Sendable {
    package enum Event: Sendable, Equatable {
        /// The new release is healthy and may take its first share.
        case begin(at: Duration)
        /// A wake the machine asked for has come (or an older one: then nothing happens).
        case timer(at: Duration)
        /// The answer to `collectWindow`: each release's requests since the last `openWindow`.
        /// `baseline` is nil when the old release saw nothing measurable or there is none.
        case windowCollected(at: Duration, canary: WindowStats, baseline: WindowStats?)
        /// The answer to `runCheck`: whether `analysis.run` exited 0, and a line about how it ended.
        case checkFinished(at: Duration, passed: Bool, summary: String)
        case command(RolloutCommand, at: Duration, actor: String, reason: String?)
    }

    package enum Action: Sendable, Equatable {
        /// Percent of requests to the canary; the rest to the baseline.
        case setWeight(Int)
        /// Snapshot both releases' counters: the next collection covers from here.
        case openWindow
        /// Send `timer` at this clock reading.
        case wake(at: Duration)
        /// Read the counters since the last `openWindow` and send `windowCollected`.
        case collectWindow
        /// Run `analysis.run` with the step's `SLIPWAY_*` variables and send `checkFinished`.
        case runCheck(RolloutCheckContext)
        /// A step ended: one for each, for the record.
        case stepEnded(RolloutStepResult)
        /// The command does not apply now; the sentence says why and what would.
        case refuse(String)
        /// The last action: after it events do nothing and commands are refused.
        case finish(RolloutOutcome)
    }

    /// Where the machine is; each waiting state holds the deadline it waits for.
    enum State: Sendable, Equatable {
        case ready
        case window(Window)
        /// The step passed; its `run` check is running. `promotedBy`: a person's promote skips the pause.
        case checking(promotedBy: String?)
        case betweenSteps(until: Duration)
        case awaitingPromotion
        /// `betweenStepsUntil`: the pause between steps it interrupted; nil when it interrupted a window.
        case paused(by: String, betweenStepsUntil: Duration?)
        case inconclusive
        case finished(RolloutOutcome)
    }

    /// The open window of the current step.
    struct Window: Sendable, Equatable {
        var openedAt: Duration
        /// The wake it waits for; nil while the stats asked for by `collectWindow` are on their way.
        var deadline: Duration?
        /// Whether a look already found too few canary requests.
        var waitedForRequests = false
        /// A person's promote asked for this judgement: no pause after a pass, and a wait promotes anyway.
        var promotedBy: String?
    }

    package let config: CanaryConfig
    let analysis: CanaryAnalysis
    var state: State = .ready
    /// 0-based index in `config.steps`.
    var step = 0
    var weight = 0
    var startedAt: Duration?
    /// When the current step began (or began again after a resume): `max_wait` counts from here.
    var stepStartedAt: Duration = .zero
    var lastVerdict: AnalysisVerdict?

    package init(config: CanaryConfig) {
        self.config = config
        self.analysis = CanaryAnalysis(policy: config.analysis)
    }

    package mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.ready, .begin(let at)):
            startedAt = at
            return startStep(0, at: at)
        case (.window(var window), .timer(let at)):
            guard let deadline = window.deadline, at >= deadline else { return [] }
            window.deadline = nil
            state = .window(window)
            return [.collectWindow]
        case (.betweenSteps(let until), .timer(let at)):
            guard at >= until else { return [] }
            return startStep(step + 1, at: at)
        case (.window(let window), .windowCollected(let at, let canary, let baseline)):
            guard window.deadline == nil else { return [] }
            return judge(window, canary: canary, baseline: baseline, at: at)
        case (.checking(let promotedBy), .checkFinished(let at, let passed, let summary)):
            guard passed else {
                return abort(reason: "the check of \(stepName) failed: \(summary)", verdict: nil, ended: nil)
            }
            return afterPass(promotedBy: promotedBy, at: at)
        case (_, .command(let command, let at, let actor, let reason)):
            return handle(command, at: at, actor: actor, reason: reason)
        default:
            return []
        }
    }

    /// The step's weight and its first window; at 100% (or past the last step) the promotion.
    mutating func startStep(_ index: Int, at now: Duration) -> [Action] {
        step = index
        guard index < config.steps.count, config.steps[index] < 100 else {
            weight = 100
            return [.setWeight(100), finish(.promoted)]
        }
        weight = config.steps[index]
        return [.setWeight(weight)] + openWindow(at: now)
    }

    /// A fresh window for the current step, which (re)starts now.
    mutating func openWindow(at now: Duration) -> [Action] {
        stepStartedAt = now
        let deadline = now + config.interval
        state = .window(Window(openedAt: now, deadline: deadline))
        return [.openWindow, .wake(at: deadline)]
    }

    private mutating func judge(_ window: Window, canary: WindowStats, baseline: WindowStats?, at now: Duration) -> [Action] {
        let verdict = analysis.verdict(canary: canary, baseline: baseline)
        lastVerdict = verdict
        var result = RolloutStepResult(index: step, weight: weight, startedAt: stepStartedAt, endedAt: now,
                                       canary: canary, baseline: baseline, verdict: verdict)
        switch verdict.decision {
        case .fail:
            return abort(reason: verdict.reason, verdict: verdict, ended: result)
        case .pass:
            result.note = window.promotedBy.map { "promoted by \($0) before the window's end" }
            guard config.run == nil else {
                state = .checking(promotedBy: window.promotedBy)
                return [.stepEnded(result), .runCheck(RolloutCheckContext(step: step, weight: weight, verdict: verdict))]
            }
            return [.stepEnded(result)] + afterPass(promotedBy: window.promotedBy, at: now)
        case .wait:
            if let actor = window.promotedBy {
                // A person asked to go on: too few requests to judge is theirs to accept.
                result.note = "promoted by \(actor) with too few requests to judge: \(verdict.reason)"
                return [.stepEnded(result)] + startStep(step + 1, at: now)
            }
            let waited = now - stepStartedAt
            let maxWait = config.effectiveMaxWait
            guard waited < maxWait else {
                result.note = "inconclusive: \(requests(canary.requests)) < \(config.analysis.minRequests) after \(DurationText.format(waited))"
                state = .inconclusive
                return [.stepEnded(result)]
            }
            // The same window goes on accumulating; the last look comes exactly at max_wait.
            let deadline = min(now + config.interval, stepStartedAt + maxWait)
            state = .window(Window(openedAt: window.openedAt, deadline: deadline, waitedForRequests: true))
            return [.wake(at: deadline)]
        }
    }

    /// The step passed (and its check, if any): the pause, or the next step at once.
    private mutating func afterPass(promotedBy: String?, at now: Duration) -> [Action] {
        if promotedBy != nil { return startStep(step + 1, at: now) }
        switch config.pause {
        case .manual:
            state = .awaitingPromotion
            return []
        case .after(let pause) where pause > .zero:
            state = .betweenSteps(until: now + pause)
            return [.wake(at: now + pause)]
        case .after:
            return startStep(step + 1, at: now)
        }
    }

    /// Traffic leaves the canary before anything else is done or recorded.
    mutating func abort(reason: String, verdict: AnalysisVerdict?, ended: RolloutStepResult?) -> [Action] {
        weight = 0
        return [.setWeight(0)] + (ended.map { [.stepEnded($0)] } ?? []) + [finish(.aborted(reason: reason, verdict: verdict))]
    }

    mutating func finish(_ outcome: RolloutOutcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }

    /// "step 2 of 3 (50%)", for sentences.
    var stepName: String { "step \(step + 1) of \(config.steps.count) (\(weight)%)" }

    private func requests(_ count: Int) -> String { "\(count) request\(count == 1 ? "" : "s")" }
}
