import Foundation
import SlipwayCore
import SlipwayModel
import Testing

private let good = WindowStats(requests: 100, serverErrors: 0)
private let failing = WindowStats(requests: 100, serverErrors: 20)
private let few = WindowStats(requests: 12)
private let baseline = WindowStats(requests: 1000, serverErrors: 1)

private typealias Action = CanaryRollout.Action

/// Plays the driver: each wake comes when it is due, each collection answers `window(step)`, each
/// check passes. Returns every action in order.
private func play(_ canary: inout CanaryRollout,
                  window: (Int) -> (WindowStats, WindowStats?) = { _ in (good, baseline) }) -> [Action] {
    var all: [Action] = []
    var now: Duration = .zero
    var events: [CanaryRollout.Event] = [.begin(at: now)]
    while !events.isEmpty {
        let actions = canary.handle(events.removeFirst())
        all += actions
        for action in actions {
            switch action {
            case .wake(let at):
                now = at
                events.append(.timer(at: at))
            case .collectWindow:
                let (ours, theirs) = window(canary.status.step)
                events.append(.windowCollected(at: now, canary: ours, baseline: theirs))
            case .runCheck:
                events.append(.checkFinished(at: now, passed: true, summary: "exit 0"))
            default:
                break
            }
        }
    }
    return all
}

private func weights(_ actions: [Action]) -> [Int] {
    actions.compactMap { if case .setWeight(let weight) = $0 { weight } else { nil } }
}

private func ended(_ actions: [Action]) -> [RolloutStepResult] {
    actions.compactMap { if case .stepEnded(let result) = $0 { result } else { nil } }
}

private func command(_ command: RolloutCommand, at seconds: Int, by actor: String = "alice", reason: String? = nil) -> CanaryRollout.Event {
    .command(command, at: .seconds(seconds), actor: actor, reason: reason)
}

private func collected(_ stats: WindowStats, at seconds: Int, baseline: WindowStats? = baseline) -> CanaryRollout.Event {
    .windowCollected(at: .seconds(seconds), canary: stats, baseline: baseline)
}

/// A canary begun at 0 whose first window (10 s) has just been asked for.
private func collectingFirstWindow(_ config: CanaryConfig = CanaryConfig()) -> CanaryRollout {
    var canary = CanaryRollout(config: config)
    _ = canary.handle(.begin(at: .zero))
    #expect(canary.handle(.timer(at: .seconds(10))) == [.collectWindow])
    return canary
}

private func isRefusal(_ actions: [Action], containing text: String) -> Bool {
    guard actions.count == 1, case .refuse(let sentence) = actions[0] else { return false }
    return sentence.contains(text)
}

@Suite struct CanaryRolloutTests {
    // MARK: Steps

    @Test func aHealthyCanaryTakesExactlyItsStepsAndIsPromoted() {
        var canary = CanaryRollout(config: CanaryConfig(steps: [5, 50, 100]))
        let actions = play(&canary)
        #expect(weights(actions) == [5, 50, 100])
        #expect(actions.last == .finish(.promoted))
        #expect(ended(actions).map(\.index) == [0, 1])
        #expect(ended(actions).allSatisfy { $0.verdict?.decision == .pass })
        #expect(canary.status.phase == .finished && canary.status.weight == 100 && canary.status.outcome == .promoted)
    }

    @Test func eachStepIsAWindowJudgedAtItsEnd() throws {
        var canary = CanaryRollout(config: CanaryConfig(steps: [5, 50, 100], interval: .seconds(10)))
        #expect(canary.handle(.begin(at: .seconds(100))) == [.setWeight(5), .openWindow, .wake(at: .seconds(110))])
        #expect(canary.status.phase == .analysing && canary.status.windowStartedAt == .seconds(100))
        #expect(canary.handle(.timer(at: .seconds(110))) == [.collectWindow])
        let actions = canary.handle(collected(good, at: 110))
        let verdict = CanaryAnalysis(policy: AnalysisPolicy()).verdict(canary: good, baseline: baseline)
        #expect(actions == [
            .stepEnded(RolloutStepResult(index: 0, weight: 5, startedAt: .seconds(100), endedAt: .seconds(110),
                                         canary: good, baseline: baseline, verdict: verdict)),
            .setWeight(50), .openWindow, .wake(at: .seconds(120)),
        ])
        #expect(canary.status.step == 1 && canary.status.steps == 3 && canary.status.lastVerdict == verdict)
    }

    @Test func aStepAtOneHundredIsThePromotionWithoutAWindow() {
        var canary = CanaryRollout(config: CanaryConfig(steps: [100]))
        #expect(canary.handle(.begin(at: .zero)) == [.setWeight(100), .finish(.promoted)])
    }

    @Test func noBaselineAndNoSLOPassesSayingNothingCouldJudge() {
        var canary = CanaryRollout(config: CanaryConfig())
        let actions = play(&canary) { _ in (good, nil) }
        #expect(weights(actions) == [5, 50, 100])
        #expect(ended(actions).first?.verdict?.reason.contains("no baseline and no slo set") == true)
    }

    // MARK: Failure

    @Test func aFailingWindowTakesTrafficOffTheCanaryFirstAndAbortsWithTheVerdictsReason() throws {
        var canary = collectingFirstWindow()
        let actions = canary.handle(collected(failing, at: 10))
        let verdict = CanaryAnalysis(policy: AnalysisPolicy()).verdict(canary: failing, baseline: baseline)
        #expect(verdict.decision == .fail)
        #expect(verdict.reason == "canary error rate 20% > baseline 0.1% × 1.5 and > 1% floor over 100 requests")
        #expect(actions.first == .setWeight(0))
        #expect(actions == [
            .setWeight(0),
            .stepEnded(RolloutStepResult(index: 0, weight: 5, startedAt: .zero, endedAt: .seconds(10),
                                         canary: failing, baseline: baseline, verdict: verdict)),
            .finish(.aborted(reason: verdict.reason, verdict: verdict)),
        ])
        #expect(canary.status.weight == 0 && canary.status.phase == .finished)
    }

    @Test func aFailureAtALaterStepStillStartsWithWeightZero() {
        var canary = CanaryRollout(config: CanaryConfig(steps: [5, 25, 50, 100]))
        let actions = play(&canary) { step in (step == 2 ? failing : good, baseline) }
        #expect(weights(actions) == [5, 25, 50, 0])
        guard let last = actions.last, case .finish(.aborted(_, let verdict?)) = last else {
            Issue.record("expected an abort with its verdict")
            return
        }
        #expect(verdict.decision == .fail)
        #expect(actions.suffix(3).first == .setWeight(0))
    }

    // MARK: Waiting for requests

    @Test func tooFewRequestsKeepTheSameWindowOpen() {
        var canary = collectingFirstWindow()
        #expect(canary.handle(collected(few, at: 10)) == [.wake(at: .seconds(20))])
        #expect(canary.status.phase == .waitingForRequests)
        #expect(canary.status.windowStartedAt == .zero)
        #expect(canary.status.lastVerdict?.decision == .wait)
        #expect(canary.handle(.timer(at: .seconds(20))) == [.collectWindow])
        // The next look covers the whole window since its opening.
        let actions = canary.handle(collected(good, at: 20))
        #expect(ended(actions).map(\.startedAt) == [.zero])
        #expect(weights(actions) == [50])
    }

    @Test func waitingPastMaxWaitIsInconclusiveAndWaitsForAPerson() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10), maxWait: .seconds(120)))
        var actions = canary.handle(.begin(at: .zero))
        for second in stride(from: 10, through: 120, by: 10) {
            #expect(canary.handle(.timer(at: .seconds(second))) == [.collectWindow])
            actions = canary.handle(collected(few, at: second))
            if second < 120 { #expect(actions == [.wake(at: .seconds(second + 10))]) }
        }
        let verdict = CanaryAnalysis(policy: AnalysisPolicy()).verdict(canary: few, baseline: baseline)
        #expect(actions == [.stepEnded(RolloutStepResult(
            index: 0, weight: 5, startedAt: .zero, endedAt: .seconds(120), canary: few, baseline: baseline, verdict: verdict,
            note: "inconclusive: 12 requests < 50 after 2m"))])
        #expect(canary.status.phase == .inconclusive && canary.status.weight == 5)
        #expect(canary.handle(.timer(at: .seconds(130))).isEmpty)
        #expect(isRefusal(canary.handle(command(.resume, at: 130)), containing: "inconclusive"))
        #expect(isRefusal(canary.handle(command(.pause, at: 130)), containing: "inconclusive"))
        #expect(canary.handle(command(.promote, at: 140)) == [.setWeight(50), .openWindow, .wake(at: .seconds(150))])
    }

    @Test func anInconclusiveStepMayBeAborted() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10), maxWait: .seconds(10)))
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(.timer(at: .seconds(10)))
        #expect(ended(canary.handle(collected(few, at: 10))).first?.note == "inconclusive: 12 requests < 50 after 10s")
        #expect(canary.handle(command(.abort, at: 20, by: "bob")) == [.setWeight(0), .finish(.aborted(reason: "aborted by bob", verdict: nil))])
    }

    @Test func theLastLookComesExactlyAtMaxWait() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10), maxWait: .seconds(25)))
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(.timer(at: .seconds(10)))
        #expect(canary.handle(collected(few, at: 10)) == [.wake(at: .seconds(20))])
        _ = canary.handle(.timer(at: .seconds(20)))
        #expect(canary.handle(collected(few, at: 20)) == [.wake(at: .seconds(25))])
        _ = canary.handle(.timer(at: .seconds(25)))
        #expect(ended(canary.handle(collected(few, at: 25))).first?.note == "inconclusive: 12 requests < 50 after 25s")
    }

    // MARK: Pauses between steps

    @Test func aManualPauseWaitsForPromote() {
        var canary = collectingFirstWindow(CanaryConfig(pause: .manual))
        let actions = canary.handle(collected(good, at: 10))
        #expect(actions.count == 1 && ended(actions).count == 1)
        #expect(canary.status.phase == .awaitingPromotion && canary.status.weight == 5)
        #expect(canary.handle(.timer(at: .seconds(1000))).isEmpty)
        #expect(isRefusal(canary.handle(command(.resume, at: 50)), containing: "promote"))
        #expect(canary.handle(command(.promote, at: 60)) == [.setWeight(50), .openWindow, .wake(at: .seconds(70))])
    }

    @Test func aTimedPauseWakesTheNextStepWhenItEnds() {
        var canary = collectingFirstWindow(CanaryConfig(pause: .after(.seconds(60))))
        #expect(ended(canary.handle(collected(good, at: 10))).count == 1)
        #expect(canary.status.phase == .pausedBetweenSteps && canary.status.until == .seconds(70))
        #expect(canary.handle(.timer(at: .seconds(69))).isEmpty)
        #expect(canary.handle(.timer(at: .seconds(70))) == [.setWeight(50), .openWindow, .wake(at: .seconds(80))])
    }

    @Test func promoteCutsATimedPauseShort() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(60), pause: .after(.seconds(30))))
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(.timer(at: .seconds(60)))
        #expect(canary.handle(collected(good, at: 60)).last == .wake(at: .seconds(90)))
        #expect(canary.handle(command(.promote, at: 70)) == [.setWeight(50), .openWindow, .wake(at: .seconds(130))])
        // The pause's own wake, when it comes, is stale.
        #expect(canary.handle(.timer(at: .seconds(90))).isEmpty)
    }

    // MARK: Stale wakes

    @Test func staleTimersAreIgnored() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10)))
        #expect(canary.handle(.timer(at: .seconds(10))).isEmpty)  // before begin
        _ = canary.handle(.begin(at: .zero))
        #expect(canary.handle(.timer(at: .seconds(9))).isEmpty)   // before the deadline
        #expect(canary.handle(.timer(at: .seconds(10))) == [.collectWindow])
        #expect(canary.handle(.timer(at: .seconds(10))).isEmpty)  // a second wake while collecting
        _ = canary.handle(collected(good, at: 10))                // step 2: deadline 20
        #expect(canary.handle(.timer(at: .seconds(15))).isEmpty)
        _ = canary.handle(command(.pause, at: 16))
        #expect(canary.handle(.timer(at: .seconds(20))).isEmpty)  // paused
        _ = canary.handle(command(.resume, at: 30))               // deadline 40
        #expect(canary.handle(.timer(at: .seconds(20))).isEmpty)  // the window before the pause
        #expect(canary.handle(.timer(at: .seconds(40))) == [.collectWindow])
        _ = canary.handle(command(.abort, at: 41))
        #expect(canary.handle(.timer(at: .seconds(50))).isEmpty)  // finished
    }

    // MARK: Pause and resume

    @Test func pauseHoldsTheWeightAndResumeRestartsTheWindow() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10)))
        _ = canary.handle(.begin(at: .zero))
        #expect(canary.handle(command(.pause, at: 5, by: "alice")).isEmpty)
        #expect(canary.status.phase == .paused && canary.status.pausedBy == "alice" && canary.status.weight == 5)
        #expect(canary.handle(.timer(at: .seconds(10))).isEmpty)
        #expect(isRefusal(canary.handle(command(.pause, at: 6, by: "bob")), containing: "already paused by alice"))
        #expect(canary.handle(command(.resume, at: 40)) == [.openWindow, .wake(at: .seconds(50))])
        #expect(canary.status.phase == .analysing && canary.status.windowStartedAt == .seconds(40) && canary.status.pausedBy == nil)
        #expect(isRefusal(canary.handle(command(.resume, at: 41)), containing: "not paused"))
        #expect(canary.handle(.timer(at: .seconds(50))) == [.collectWindow])
        // The step counts from the resume: max_wait too.
        #expect(ended(canary.handle(collected(good, at: 50))).map(\.startedAt) == [.seconds(40)])
    }

    @Test func aCollectionOnItsWayWhenPausedIsDropped() {
        var canary = collectingFirstWindow()
        #expect(canary.handle(command(.pause, at: 10)).isEmpty)
        #expect(canary.handle(collected(failing, at: 10)).isEmpty)
        #expect(canary.status.phase == .paused && canary.status.weight == 5)
    }

    @Test func resumingAPauseTakenBetweenStepsFinishesItsWait() {
        var canary = collectingFirstWindow(CanaryConfig(pause: .after(.seconds(60))))
        _ = canary.handle(collected(good, at: 10))                // next step at 70
        #expect(canary.handle(command(.pause, at: 20)).isEmpty)
        #expect(canary.handle(.timer(at: .seconds(70))).isEmpty)
        #expect(canary.handle(command(.resume, at: 30)) == [.wake(at: .seconds(70))])
        #expect(canary.status.phase == .pausedBetweenSteps)
        _ = canary.handle(command(.pause, at: 40))
        #expect(canary.handle(command(.resume, at: 90)) == [.setWeight(50), .openWindow, .wake(at: .seconds(100))])
    }

    // MARK: Promote

    @Test func promoteWhileAWindowRunsJudgesItAtOnceAndSkipsThePause() {
        var canary = CanaryRollout(config: CanaryConfig(interval: .seconds(10), pause: .manual))
        _ = canary.handle(.begin(at: .zero))
        #expect(canary.handle(command(.promote, at: 3)) == [.collectWindow])
        #expect(canary.handle(.timer(at: .seconds(10))).isEmpty)
        let actions = canary.handle(collected(good, at: 3))
        #expect(ended(actions).first?.note == "promoted by alice before the window's end")
        #expect(Array(actions.dropFirst()) == [.setWeight(50), .openWindow, .wake(at: .seconds(13))])
    }

    @Test func promoteWithTooFewRequestsGoesOnAsAPersonAsked() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(command(.promote, at: 3))
        let actions = canary.handle(collected(few, at: 3))
        #expect(ended(actions).first?.note
            == "promoted by alice with too few requests to judge: canary saw 12 requests, fewer than min_requests 50")
        #expect(weights(actions) == [50])
    }

    @Test func promoteOfAFailingWindowAborts() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(command(.promote, at: 3))
        let actions = canary.handle(collected(failing, at: 3))
        #expect(actions.first == .setWeight(0))
        guard let last = actions.last, case .finish(.aborted(_, let verdict?)) = last else {
            Issue.record("expected an abort with its verdict")
            return
        }
        #expect(verdict.decision == .fail)
    }

    @Test func promoteWhileCollectingJudgesThatCollectionAsThePromotion() {
        var canary = collectingFirstWindow()
        #expect(canary.handle(command(.promote, at: 10)).isEmpty)
        #expect(ended(canary.handle(collected(few, at: 10))).first?.note?.hasPrefix("promoted by alice") == true)
        #expect(canary.status.step == 1)
    }

    @Test func promoteWhilePausedEndsTheUnjudgedStepWithANote() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = canary.handle(.begin(at: .zero))
        _ = canary.handle(command(.pause, at: 5, by: "bob"))
        #expect(canary.handle(command(.promote, at: 8, by: "alice")) == [
            .stepEnded(RolloutStepResult(index: 0, weight: 5, startedAt: .zero, endedAt: .seconds(8),
                                         note: "promoted by alice while paused by bob, its window not judged")),
            .setWeight(50), .openWindow, .wake(at: .seconds(18)),
        ])
    }

    @Test func promoteSkippingAnalysisNeedsAReason() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = canary.handle(.begin(at: .zero))
        #expect(isRefusal(canary.handle(command(.promoteSkippingAnalysis, at: 4)), containing: "needs a reason"))
        #expect(isRefusal(canary.handle(command(.promoteSkippingAnalysis, at: 4, reason: "  ")), containing: "needs a reason"))
        #expect(canary.status.phase == .analysing)
        #expect(canary.handle(command(.promoteSkippingAnalysis, at: 4, reason: "hotfix for the outage")) == [
            .setWeight(100),
            .stepEnded(RolloutStepResult(index: 0, weight: 5, startedAt: .zero, endedAt: .seconds(4),
                                         note: "promoted to 100% skipping analysis by alice: hotfix for the outage")),
            .finish(.promoted),
        ])
    }

    @Test func promoteSkippingAnalysisBetweenStepsRecordsTheJumpToOneHundred() {
        var canary = collectingFirstWindow(CanaryConfig(pause: .manual))
        _ = canary.handle(collected(good, at: 10))
        #expect(canary.handle(command(.promoteSkippingAnalysis, at: 30, reason: "ship it")) == [
            .setWeight(100),
            .stepEnded(RolloutStepResult(index: 2, weight: 100, startedAt: .seconds(30), endedAt: .seconds(30),
                                         note: "promoted to 100% skipping analysis by alice: ship it")),
            .finish(.promoted),
        ])
    }

    // MARK: Abort

    @Test func abortPutsTrafficBackFirstAndNothingAppliesAfterwards() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = canary.handle(.begin(at: .zero))
        #expect(canary.handle(command(.abort, at: 4, by: "bob", reason: "p95 doubled on the dashboard")) == [
            .setWeight(0),
            .stepEnded(RolloutStepResult(index: 0, weight: 5, startedAt: .zero, endedAt: .seconds(4), note: "aborted by bob")),
            .finish(.aborted(reason: "aborted by bob: p95 doubled on the dashboard", verdict: nil)),
        ])
        for verb in RolloutCommand.allCases {
            #expect(isRefusal(canary.handle(command(verb, at: 5, reason: "again")), containing: "the rollout has ended, aborted"))
        }
        #expect(canary.handle(collected(failing, at: 10)).isEmpty)
        #expect(canary.handle(.checkFinished(at: .seconds(10), passed: false, summary: "exit 1")).isEmpty)
        #expect(canary.status.outcome == .aborted(reason: "aborted by bob: p95 doubled on the dashboard", verdict: nil))
    }

    @Test func commandsAfterPromotionAreRefused() {
        var canary = CanaryRollout(config: CanaryConfig())
        _ = play(&canary)
        #expect(isRefusal(canary.handle(command(.abort, at: 100)), containing: "takes all traffic; roll back to undo it"))
    }

    @Test func onlyAbortAppliesBeforeBegin() {
        var canary = CanaryRollout(config: CanaryConfig())
        for verb in [RolloutCommand.pause, .resume, .promote] {
            #expect(isRefusal(canary.handle(command(verb, at: 0)), containing: "has not begun"))
        }
        #expect(canary.handle(command(.abort, at: 0)) == [.setWeight(0), .finish(.aborted(reason: "aborted by alice", verdict: nil))])
    }

    // MARK: The run check

    @Test func aPassedStepRunsTheCheckAndAFailedCheckAborts() throws {
        var canary = collectingFirstWindow(CanaryConfig(run: "./scripts/canary-check"))
        let actions = canary.handle(collected(good, at: 10))
        let verdict = try #require(ended(actions).first?.verdict)
        #expect(actions.last == .runCheck(RolloutCheckContext(step: 0, weight: 5, verdict: verdict)))
        #expect(canary.status.phase == .checking)
        #expect(isRefusal(canary.handle(command(.pause, at: 11)), containing: "check"))
        #expect(isRefusal(canary.handle(command(.promote, at: 11)), containing: "check"))
        #expect(canary.handle(.checkFinished(at: .seconds(12), passed: false, summary: "exit 3: checkout flow broken")) == [
            .setWeight(0),
            .finish(.aborted(reason: "the check of step 1 of 3 (5%) failed: exit 3: checkout flow broken", verdict: nil)),
        ])
    }

    @Test func aPassedCheckGoesOnToThePause() {
        var canary = collectingFirstWindow(CanaryConfig(pause: .after(.seconds(30)), run: "./check"))
        _ = canary.handle(collected(good, at: 10))
        #expect(canary.handle(.checkFinished(at: .seconds(15), passed: true, summary: "exit 0")) == [.wake(at: .seconds(45))])
        var whole = CanaryRollout(config: CanaryConfig(run: "./check"))
        #expect(weights(play(&whole)) == [5, 50, 100])
    }

    // MARK: Status

    @Test func theStatusAndTheStepRecordSurviveJSON() throws {
        var canary = collectingFirstWindow(CanaryConfig(pause: .after(.seconds(60))))
        let actions = canary.handle(collected(good, at: 10))
        let status = canary.status
        #expect(status.strategy == .canary && status.phase == .pausedBetweenSteps && status.startedAt == .zero)
        #expect(try JSONDecoder().decode(RolloutStatus.self, from: JSONEncoder().encode(status)) == status)
        let result = try #require(ended(actions).first)
        #expect(try JSONDecoder().decode(RolloutStepResult.self, from: JSONEncoder().encode(result)) == result)
        let outcome = RolloutOutcome.aborted(reason: "r", verdict: result.verdict)
        #expect(try JSONDecoder().decode(RolloutOutcome.self, from: JSONEncoder().encode(outcome)) == outcome)
    }
}
