import Foundation
import SlipwayTestSupport
import Testing

/// Nothing here sleeps on real time or polls: every wait is `waitForSleepers`, a task's value, or a
/// sleep resumed by `advance`.
@Suite(.timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test func aSleepEndsWhenTheClockReachesItsDeadlineAndNotBefore() async throws {
        let clock = ManualClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleep(for: .seconds(5)) }
            await clock.waitForSleepers(atLeast: 1)
            #expect(clock.nextDeadline == .seconds(5))

            clock.advance(by: .milliseconds(4_999))
            #expect(clock.sleepers == 1, "a millisecond short of the deadline")
            #expect(clock.nextDeadline == .seconds(5))

            clock.advance(by: .milliseconds(1))
            #expect(clock.sleepers == 0)
            #expect(clock.nextDeadline == nil)
            try await group.waitForAll()
        }
        #expect(clock.now == .seconds(5))
    }

    @Test(arguments: [Duration.zero, .seconds(-3)])
    func aSleepOfNoTimeReturnsAtOnce(_ duration: Duration) async throws {
        let clock = ManualClock(now: .seconds(7))
        try await clock.sleep(for: duration)
        #expect(clock.sleepers == 0)
        #expect(clock.now == .seconds(7))
    }

    @Test func aDeadlineCountsFromWhenTheSleepBegan() async throws {
        let clock = ManualClock(now: .seconds(100))
        clock.advance(by: .seconds(3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleep(for: .seconds(2)) }
            await clock.waitForSleepers(atLeast: 1)
            #expect(clock.nextDeadline == .seconds(105))
            clock.advance(to: .seconds(105))
            try await group.waitForAll()
        }
    }

    /// One advance past several deadlines wakes every sleeper due, earliest deadline first and, for
    /// equal deadlines, first come first; the one not yet due sleeps on. The test and its sleepers run
    /// on one thread that takes jobs in the order they are enqueued: every sleeper has suspended before
    /// the test advances, and they wake in the order they were resumed in.
    @Test func anAdvancePastSeveralDeadlinesWakesThemInDeadlineOrder() async throws {
        let clock = ManualClock()
        let woken = CollectedLog()
        try await withTaskExecutorPreference(OneThread.executor) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var begun = 0
                for (name, duration) in [("3s", 3), ("1s", 1), ("20s", 20), ("2s first", 2), ("2s second", 2)] {
                    group.addTask {
                        try await clock.sleep(for: .seconds(duration))
                        woken.sink(name)
                    }
                    begun += 1
                    await clock.waitForSleepers(atLeast: begun)
                }
                #expect(clock.nextDeadline == .seconds(1))

                clock.advance(by: .seconds(10))
                #expect(clock.sleepers == 1)
                #expect(clock.nextDeadline == .seconds(20))
                for _ in 0..<4 { _ = try await group.next() }
                #expect(woken.lines == ["1s", "2s first", "2s second", "3s"])

                clock.advance(to: .seconds(20))
                try await group.waitForAll()
            }
        }
        #expect(woken.lines.last == "20s")
    }

    @Test func advancingStepByStepWakesOneDeadlineAtATime() async throws {
        let clock = ManualClock()
        let woken = CollectedLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seconds in [2, 3, 1] {
                group.addTask {
                    try await clock.sleep(for: .seconds(seconds))
                    woken.sink("\(seconds)")
                }
            }
            await clock.waitForSleepers(atLeast: 3)
            for expected in [1, 2, 3] {
                let next = try #require(clock.nextDeadline)
                #expect(next == .seconds(expected))
                clock.advance(to: next)
                _ = try await group.next()
                #expect(woken.lines.last == "\(expected)")
                #expect(clock.sleepers == 3 - expected)
            }
        }
    }

    @Test func cancellingASleepingTaskThrowsCancellationErrorAndLeavesTheOthers() async throws {
        let clock = ManualClock()
        let cancelled = Task { try await clock.sleep(for: .seconds(60)) }
        let other = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.waitForSleepers(atLeast: 2)

        cancelled.cancel()

        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(clock.sleepers == 1)
        clock.advance(by: .seconds(60))
        try await other.value
    }

    @Test func aTaskCancelledBeforeItSleepsThrowsAtOnce() async throws {
        let clock = ManualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(1))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleepers == 0)
        #expect(clock.nextDeadline == nil)
    }

    @Test func aCancelledTaskDoesNotSleepForNoTimeEither() async throws {
        let clock = ManualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .zero)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    /// The test, the waiter and the sleepers share one thread that runs jobs in order: the waiter is
    /// suspended before the second sleep begins, so an early return would see one sleeper, not two.
    @Test func waitForSleepersReturnsOnceEnoughSleepsArePending() async throws {
        let clock = ManualClock()
        await clock.waitForSleepers(atLeast: 0)
        try await withTaskExecutorPreference(OneThread.executor) {
            try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask {
                    try await clock.sleep(for: .seconds(1))
                    return nil
                }
                await clock.waitForSleepers(atLeast: 1)
                group.addTask {
                    await clock.waitForSleepers(atLeast: 2)
                    return clock.sleepers
                }
                group.addTask {
                    try await clock.sleep(for: .seconds(2))
                    return nil
                }
                let seen = try await group.next() ?? nil
                #expect(seen == 2, "the waiter returned with \(seen ?? 0) sleepers pending")

                clock.advance(by: .seconds(2))
                try await group.waitForAll()
            }
        }
        await clock.waitForSleepers(atLeast: 0)
    }

    @Test func cancellingAWaitForSleepersEndsIt() async {
        let clock = ManualClock()
        let waiting = Task { await clock.waitForSleepers(atLeast: 1) }
        waiting.cancel()
        await waiting.value
        #expect(clock.sleepers == 0)
    }

    @Test func timeNeverGoesBack() {
        let clock = ManualClock(now: .seconds(10))
        clock.advance(to: .seconds(4))
        #expect(clock.now == .seconds(10))
        clock.advance(by: .seconds(-4))
        #expect(clock.now == .seconds(10))
    }

    @Test func theDateMovesWithTheClock() {
        let origin = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = ManualClock(now: .seconds(2), date: origin)
        #expect(clock.date == origin.addingTimeInterval(2))
        clock.advance(by: .milliseconds(1_500))
        #expect(clock.date == origin.addingTimeInterval(3.5))
        #expect(ManualClock().date == Date(timeIntervalSince1970: 1_800_000_000))
    }
}

/// A task executor with one thread that runs jobs in the order they arrive.
final class OneThread: TaskExecutor {
    static let executor = OneThread()

    private let queue = DispatchQueue(label: "slipway.manual-clock-tests")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
