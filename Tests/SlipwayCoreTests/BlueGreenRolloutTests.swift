import SlipwayCore
import SlipwayModel
import Testing

private let preview = PreviewRoute(host: "preview.example.com")

private func command(_ command: RolloutCommand, at seconds: Int = 0, by actor: String = "alice",
                     reason: String? = nil) -> BlueGreenRollout.Event {
    .command(command, at: .seconds(seconds), actor: actor, reason: reason)
}

private func isRefusal(_ actions: [BlueGreenRollout.Action], containing text: String) -> Bool {
    guard actions.count == 1, case .refuse(let sentence) = actions[0] else { return false }
    return sentence.contains(text)
}

@Suite struct BlueGreenRolloutTests {
    @Test func withoutAutoSwitchThePreviewWaitsForPromote() {
        var rollout = BlueGreenRollout(config: BlueGreenConfig(preview: preview))
        #expect(rollout.handle(.begin(at: .seconds(5))).isEmpty)
        #expect(rollout.status == RolloutStatus(strategy: .blueGreen, phase: .previewing, step: 0, steps: 1, weight: 0,
                                                startedAt: .seconds(5)))
        #expect(rollout.handle(.timer(at: .seconds(3600))).isEmpty)
        #expect(rollout.handle(command(.promote)) == [.switchAll, .finish(.promoted)])
        #expect(rollout.status.phase == .finished && rollout.status.weight == 100 && rollout.status.outcome == .promoted)
    }

    @Test func autoSwitchSwitchesWhenItsWakeIsDue() {
        var rollout = BlueGreenRollout(config: BlueGreenConfig(preview: preview, autoSwitch: .seconds(300)))
        #expect(rollout.handle(.begin(at: .seconds(10))) == [.wake(at: .seconds(310))])
        #expect(rollout.status.until == .seconds(310))
        #expect(rollout.handle(.timer(at: .seconds(309))).isEmpty)
        #expect(rollout.handle(.timer(at: .seconds(310))) == [.switchAll, .finish(.promoted)])
        #expect(rollout.handle(.timer(at: .seconds(310))).isEmpty)
    }

    @Test func promoteBeforeTheAutoSwitchLeavesItsWakeStale() {
        var rollout = BlueGreenRollout(config: BlueGreenConfig(preview: preview, autoSwitch: .seconds(300)))
        _ = rollout.handle(.begin(at: .zero))
        #expect(rollout.handle(command(.promoteSkippingAnalysis)) == [.switchAll, .finish(.promoted)])
        #expect(rollout.handle(.timer(at: .seconds(300))).isEmpty)
    }

    @Test func abortDiscardsThePreviewAndProductionNeverMoved() {
        var rollout = BlueGreenRollout(config: BlueGreenConfig(preview: preview, autoSwitch: .seconds(300)))
        _ = rollout.handle(.begin(at: .zero))
        #expect(rollout.handle(command(.abort, by: "bob", reason: "layout broken on the preview")) == [
            .discardPreview, .finish(.aborted(reason: "aborted by bob: layout broken on the preview", verdict: nil)),
        ])
        #expect(rollout.handle(.timer(at: .seconds(300))).isEmpty)
        #expect(isRefusal(rollout.handle(command(.promote)), containing: "the rollout has ended, aborted"))
        #expect(rollout.status.weight == 0)
    }

    @Test func thereIsNothingToPauseOrResume() {
        var manual = BlueGreenRollout(config: BlueGreenConfig(preview: preview))
        _ = manual.handle(.begin(at: .zero))
        #expect(isRefusal(manual.handle(command(.pause)), containing: "nothing to pause in blue-green"))
        #expect(isRefusal(manual.handle(command(.resume)), containing: "it waits for promote"))
        var automatic = BlueGreenRollout(config: BlueGreenConfig(preview: preview, autoSwitch: .seconds(30)))
        _ = automatic.handle(.begin(at: .zero))
        #expect(isRefusal(automatic.handle(command(.pause)), containing: "switches by itself"))
        #expect(automatic.status.phase == .previewing)
    }

    @Test func beforeBeginOnlyAbortApplies() {
        var rollout = BlueGreenRollout(config: BlueGreenConfig(preview: preview))
        #expect(isRefusal(rollout.handle(command(.promote)), containing: "not ready"))
        #expect(rollout.handle(command(.abort)) == [.discardPreview, .finish(.aborted(reason: "aborted by alice", verdict: nil))])
        #expect(rollout.handle(.begin(at: .zero)).isEmpty)
    }
}
