import SlipwayCore
import SlipwayModel
import Testing

private typealias Action = RollingRollout.Action

/// The driver and the world it acts on, as the invariants count them: the pool (old instances
/// not yet drained, new ones once healthy) and what runs (old ones until stopped, new ones from
/// their start). Answers wait in `answers` until delivered, in an order the test picks.
private struct RollingWorld {
    var rollout: RollingRollout
    let config: RollingConfig
    let floor: Int
    let ceiling: Int
    let initialRunning: Int
    let unhealthy: Set<String>
    var pool: Set<String>
    var running: Set<String>
    var answers: [RollingRollout.Event] = []
    var outcome: RolloutOutcome?
    var starts = 0
    var violations: [String] = []

    /// `old` defaults to `replicas` instances; when it differs (a deploy that also scales), the
    /// floor is what served at the start if that was fewer, and the ceiling binds each start.
    init(replicas: Int, surge: Int, unavailable: Int, old: [String]? = nil, unhealthy: Set<String> = []) {
        let old = old ?? (1...replicas).map { "old-\($0)" }
        config = RollingConfig(maxSurge: surge, maxUnavailable: unavailable)
        rollout = RollingRollout(replicas: replicas, config: config, old: old)
        self.unhealthy = unhealthy
        floor = min(old.count, replicas - unavailable)
        ceiling = replicas + surge
        pool = Set(old)
        running = Set(old)
        initialRunning = old.count
    }

    mutating func begin() { perform(rollout.handle(.begin(at: .zero))) }

    mutating func perform(_ actions: [Action]) {
        for action in actions {
            switch action {
            case .startNew(let slot):
                starts += 1
                running.insert(slot)
                if running.count > ceiling { violations.append("\(running.count) running after starting \(slot) > \(ceiling)") }
                let fails = unhealthy.contains(slot)
                answers.append(.started(newInstance: slot, healthy: !fails, reason: fails ? "status 503 for 30s" : nil))
            case .drainAndStop(let id):
                pool.remove(id)
                answers.append(.stopped(old: id))
            case .restoreOld(let ids):
                running.formUnion(ids)
                pool.formUnion(ids)
            case .stopNew(let ids):
                running.subtract(ids)
                pool.subtract(ids)
            case .refuse(let sentence):
                violations.append("refused: \(sentence)")
            case .finish(let outcome):
                self.outcome = outcome
            }
            if outcome == nil { checkBounds() }
        }
    }

    mutating func deliver(at index: Int) {
        let answer = answers.remove(at: index)
        switch answer {
        case .started(let slot, true, _): pool.insert(slot)
        case .stopped(let id): running.remove(id)
        default: break
        }
        checkBounds()
        perform(rollout.handle(answer))
    }

    /// Runs until no answer is left, delivering them in the order `pick` chooses.
    mutating func run(pick: (Int) -> Int) {
        begin()
        while outcome == nil, !answers.isEmpty { deliver(at: pick(answers.count)) }
    }

    mutating func checkBounds() {
        if pool.count < floor { violations.append("\(pool.count) in the pool < \(floor)") }
        if running.count > max(ceiling, initialRunning) { violations.append("\(running.count) running > \(ceiling)") }
    }
}

/// The orders answers may come in: first asked first answered, newest first, and a seeded shuffle.
/// Each pick takes how many answers wait and returns the index of the one to deliver.
private func orders() -> [(name: String, pick: (Int) -> Int)] {
    [("in order", { _ in 0 }), ("newest first", { $0 - 1 }), ("shuffled", shuffled())]
}

/// A fixed-seed linear congruential generator (Knuth's MMIX constants): the same order every run.
private func shuffled() -> (Int) -> Int {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return { count in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(count))
    }
}

private func command(_ command: RolloutCommand, by actor: String = "alice", reason: String? = nil) -> RollingRollout.Event {
    .command(command, at: .zero, actor: actor, reason: reason)
}

@Suite struct RollingRolloutTests {
    // MARK: The bounds, for every setting

    @Test(arguments: 1...5)
    func everyBoundHoldsAtEveryStepAndAllReplicasAreReplaced(replicas: Int) {
        for surge in 0...3 {
            for unavailable in 0...3 where surge + unavailable > 0 {
                for (name, pick) in orders() {
                    var world = RollingWorld(replicas: replicas, surge: surge, unavailable: unavailable)
                    world.run(pick: pick)
                    let setting = "replicas \(replicas), max_surge \(surge), max_unavailable \(unavailable), answers \(name)"
                    #expect(world.violations.isEmpty, "\(setting): \(world.violations)")
                    #expect(world.outcome == .promoted, "\(setting)")
                    #expect(world.running == Set((1...replicas).map { "new-\($0)" }), "\(setting)")
                    #expect(world.pool == world.running, "\(setting)")
                    #expect(world.starts == replicas, "\(setting)")
                    #expect(world.rollout.status.weight == 100 && world.rollout.status.phase == .finished, "\(setting)")
                }
            }
        }
    }

    @Test func oneSurgeStartsOneNewThenDrainsOneOld() {
        var rollout = RollingRollout(replicas: 3, config: RollingConfig(maxSurge: 1, maxUnavailable: 0), old: ["a", "b", "c"])
        #expect(rollout.handle(.begin(at: .zero)) == [.startNew(slot: "new-1")])
        #expect(rollout.status.phase == .replacing && rollout.status.step == 0 && rollout.status.steps == 3)
        #expect(rollout.handle(.started(newInstance: "new-1", healthy: true, reason: nil)) == [.drainAndStop(old: "a")])
        #expect(rollout.handle(.stopped(old: "a")) == [.startNew(slot: "new-2")])
        #expect(rollout.status.weight == 33)
        #expect(rollout.handle(.started(newInstance: "new-2", healthy: true, reason: nil)) == [.drainAndStop(old: "b")])
        #expect(rollout.handle(.stopped(old: "b")) == [.startNew(slot: "new-3")])
        #expect(rollout.handle(.started(newInstance: "new-3", healthy: true, reason: nil)) == [.drainAndStop(old: "c")])
        #expect(rollout.handle(.stopped(old: "c")) == [.finish(.promoted)])
    }

    @Test func oneUnavailableDrainsOneOldThenStartsOneNewInItsPlace() {
        var rollout = RollingRollout(replicas: 3, config: RollingConfig(maxSurge: 0, maxUnavailable: 1), old: ["a", "b", "c"])
        #expect(rollout.handle(.begin(at: .zero)) == [.drainAndStop(old: "a")])
        #expect(rollout.handle(.stopped(old: "a")) == [.startNew(slot: "new-1")])
        #expect(rollout.handle(.started(newInstance: "new-1", healthy: true, reason: nil)) == [.drainAndStop(old: "b")])
        #expect(rollout.handle(.stopped(old: "b")) == [.startNew(slot: "new-2")])
        #expect(rollout.handle(.started(newInstance: "new-2", healthy: true, reason: nil)) == [.drainAndStop(old: "c")])
        #expect(rollout.handle(.stopped(old: "c")) == [.startNew(slot: "new-3")])
        #expect(rollout.handle(.started(newInstance: "new-3", healthy: true, reason: nil)) == [.finish(.promoted)])
    }

    @Test func batchesAreAsLargeAsTheBoundsAllow() {
        var rollout = RollingRollout(replicas: 4, config: RollingConfig(maxSurge: 2, maxUnavailable: 1), old: ["a", "b", "c", "d"])
        #expect(rollout.handle(.begin(at: .zero)) == [.drainAndStop(old: "a"), .startNew(slot: "new-1"), .startNew(slot: "new-2")])
    }

    @Test(arguments: [(2, 4), (4, 2), (0, 3)])
    func aDeployThatAlsoScalesEndsWithTheNewCount(oldCount: Int, replicas: Int) {
        for (surge, unavailable) in [(1, 0), (0, 1), (2, 2)] {
            var world = RollingWorld(replicas: replicas, surge: surge, unavailable: unavailable,
                                     old: (0..<oldCount).map { "old-\($0)" })
            world.run(pick: shuffled())
            #expect(world.violations.isEmpty, "\(world.violations)")
            #expect(world.outcome == .promoted)
            #expect(world.running == Set((1...replicas).map { "new-\($0)" }))
            #expect(world.starts == replicas)
        }
    }

    // MARK: Failure

    @Test func aFirstNewInstanceThatFailsIsStoppedAndNothingOldWasTouched() {
        var rollout = RollingRollout(replicas: 3, config: RollingConfig(), old: ["a", "b", "c"])
        _ = rollout.handle(.begin(at: .zero))
        #expect(rollout.handle(.started(newInstance: "new-1", healthy: false, reason: "status 503 for 30s")) == [
            .stopNew(["new-1"]),
            .finish(.aborted(reason: "new instance new-1 failed its health gate: status 503 for 30s", verdict: nil)),
        ])
        #expect(rollout.status.phase == .finished && rollout.status.weight == 0)
    }

    @Test func aFailureMidwayRestoresTheStoppedOldAndStopsEveryNew() {
        var rollout = RollingRollout(replicas: 3, config: RollingConfig(maxSurge: 1, maxUnavailable: 0), old: ["a", "b", "c"])
        _ = rollout.handle(.begin(at: .zero))
        _ = rollout.handle(.started(newInstance: "new-1", healthy: true, reason: nil))
        _ = rollout.handle(.stopped(old: "a"))
        #expect(rollout.handle(.started(newInstance: "new-2", healthy: false, reason: nil)) == [
            .restoreOld(["a"]),
            .stopNew(["new-1", "new-2"]),
            .finish(.aborted(reason: "new instance new-2 failed its health gate: no reason given", verdict: nil)),
        ])
        // Answers still on their way change nothing.
        #expect(rollout.handle(.stopped(old: "b")).isEmpty)
        #expect(rollout.handle(.started(newInstance: "new-3", healthy: true, reason: nil)).isEmpty)
    }

    @Test func aFailureWhileOthersAreUnderWayCountsThemToo() {
        var rollout = RollingRollout(replicas: 4, config: RollingConfig(maxSurge: 2, maxUnavailable: 1), old: ["a", "b", "c", "d"])
        _ = rollout.handle(.begin(at: .zero))  // draining a; starting new-1, new-2
        #expect(rollout.handle(.started(newInstance: "new-2", healthy: false, reason: "exited with status 1")) == [
            .restoreOld(["a"]),
            .stopNew(["new-1", "new-2"]),
            .finish(.aborted(reason: "new instance new-2 failed its health gate: exited with status 1", verdict: nil)),
        ])
    }

    @Test(arguments: 1...5)
    func anyFailureLeavesOnlyTheOldRelease(replicas: Int) {
        for failing in 1...replicas {
            for (surge, unavailable) in [(1, 0), (0, 1), (2, 1), (3, 3)] {
                var world = RollingWorld(replicas: replicas, surge: surge, unavailable: unavailable, unhealthy: ["new-\(failing)"])
                world.run(pick: shuffled())
                guard case .aborted(let reason, nil) = world.outcome else {
                    Issue.record("replicas \(replicas), new-\(failing) failing: \(String(describing: world.outcome))")
                    continue
                }
                #expect(reason == "new instance new-\(failing) failed its health gate: status 503 for 30s")
                #expect(world.running == Set((1...replicas).map { "old-\($0)" }))
                #expect(world.pool == world.running)
            }
        }
    }

    @Test func noRoomToReplaceAbortsAtOnce() {
        var rollout = RollingRollout(replicas: 2, config: RollingConfig(maxSurge: 0, maxUnavailable: 0), old: ["a", "b"])
        #expect(rollout.handle(.begin(at: .zero)) == [.finish(.aborted(
            reason: "max_surge 0 and max_unavailable 0 leave no room to replace an instance with 2 running for 2 replicas",
            verdict: nil))])
    }

    // MARK: Commands

    @Test func abortMidwayBringsTheOldReleaseBack() {
        var rollout = RollingRollout(replicas: 2, config: RollingConfig(maxSurge: 1, maxUnavailable: 0), old: ["a", "b"])
        _ = rollout.handle(.begin(at: .zero))
        _ = rollout.handle(.started(newInstance: "new-1", healthy: true, reason: nil))  // draining a
        #expect(rollout.handle(command(.abort, by: "bob", reason: "wrong build")) == [
            .restoreOld(["a"]), .stopNew(["new-1"]), .finish(.aborted(reason: "aborted by bob: wrong build", verdict: nil)),
        ])
        guard case .refuse(let sentence) = rollout.handle(command(.abort)).first else {
            Issue.record("expected a refusal")
            return
        }
        #expect(sentence.contains("the rollout has ended, aborted (aborted by bob: wrong build)"))
    }

    @Test func pauseAndPromoteAreRefusedWithWhatWouldWork() {
        var rollout = RollingRollout(replicas: 2, config: RollingConfig(), old: ["a", "b"])
        _ = rollout.handle(.begin(at: .zero))
        for verb in [RolloutCommand.pause, .resume, .promote, .promoteSkippingAnalysis] {
            guard case .refuse(let sentence) = rollout.handle(command(verb, reason: "why")).first else {
                Issue.record("expected a refusal of \(verb)")
                continue
            }
            #expect(sentence.contains("abort to stop it and bring the old release back"))
        }
        #expect(rollout.status.phase == .replacing)
    }
}
