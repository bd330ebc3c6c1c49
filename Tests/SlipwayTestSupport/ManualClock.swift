import Foundation
import SlipwayCore
import Synchronization

/// Time that moves only when a test moves it. Code under test sleeps on it as on any
/// `MonotonicClock`; the test waits until the sleeps it expects are pending (`waitForSleepers`), then
/// moves time (`advance`) and so decides exactly which of them wake. No wall-clock time passes.
public final class ManualClock: MonotonicClock, Sendable {
    private let origin: Date
    private let state: Mutex<State>

    public init(now: Duration = .zero, date origin: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.origin = origin
        state = Mutex(State(now: now))
    }

    public var now: Duration { state.withLock { $0.now } }

    /// Wall-clock date matching `now` (origin + now), for Core's `now: () -> Date` dependency.
    public var date: Date {
        origin.addingTimeInterval(now.timeInterval)
    }

    /// How many sleeps are pending now.
    public var sleepers: Int { state.withLock { $0.sleeping.count } }

    /// The earliest pending deadline, if any.
    public var nextDeadline: Duration? { state.withLock { $0.sleeping.values.map(\.deadline).min() } }

    /// Suspends until the clock is advanced to or past now+duration; a zero or negative duration returns
    /// at once (after a `Task.yield`). A cancelled task throws `CancellationError`, at once if it was
    /// cancelled before it slept, as `Task.sleep` does.
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else {
            await Task.yield()
            try Task.checkCancellation()
            return
        }
        // The deadline counts from the call, even if the clock moves before the sleep is registered.
        let id = state.withLock { $0.beginSleep(until: $0.now + duration) }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediately, satisfied) = state.withLock { $0.registerSleep(id, continuation) }
                if let immediately { continuation.resume(with: immediately) }
                for waiter in satisfied { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.cancelSleep(id) }?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and resumes, in deadline order, every sleeper whose deadline has come
    /// (sleepers with the same deadline in the order they began). A negative duration does nothing.
    public func advance(by duration: Duration) {
        resume(state.withLock { $0.advance(to: $0.now + duration) })
    }

    /// `advance(by:)` to an instant; an instant already past leaves the clock where it is.
    public func advance(to instant: Duration) {
        resume(state.withLock { $0.advance(to: instant) })
    }

    /// Returns once at least `count` sleeps are pending: resumed by the sleep that makes the count, never
    /// by polling. Returns early only if the waiting task is cancelled (a test that timed out).
    public func waitForSleepers(atLeast count: Int) async {
        let id = state.withLock { $0.beginWait() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if state.withLock({ $0.registerWait(id, for: count, continuation) }) { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.cancelWait(id) }?.resume()
        }
    }

    private func resume(_ due: [CheckedContinuation<Void, any Error>]) {
        for continuation in due { continuation.resume() }
    }
}

extension ManualClock {
    /// A sleep or a `waitForSleepers` between its call and its suspension: the window in which a
    /// cancellation cannot resume it yet, and is remembered instead.
    private enum Beginning {
        case sleep(until: Duration)
        case wait
        case cancelled
    }

    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    /// Ids increase with each call, so among equal deadlines the id is the order in which sleeps began.
    private struct State {
        var now: Duration
        var lastID: UInt64 = 0
        var beginning: [UInt64: Beginning] = [:]
        var sleeping: [UInt64: Sleeper] = [:]
        var waiters: [UInt64: Waiter] = [:]

        init(now: Duration) {
            self.now = now
        }

        mutating func beginSleep(until deadline: Duration) -> UInt64 {
            lastID += 1
            beginning[lastID] = .sleep(until: deadline)
            return lastID
        }

        mutating func beginWait() -> UInt64 {
            lastID += 1
            beginning[lastID] = .wait
            return lastID
        }

        /// What to resume the sleep with at once (cancelled meanwhile, or due already), else nil; and the
        /// `waitForSleepers` callers this sleep satisfies.
        mutating func registerSleep(_ id: UInt64, _ continuation: CheckedContinuation<Void, any Error>)
            -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) {
            guard case .sleep(let deadline) = beginning.removeValue(forKey: id) else {
                return (.failure(CancellationError()), [])
            }
            guard deadline > now else { return (.success(()), []) }
            sleeping[id] = Sleeper(deadline: deadline, continuation: continuation)
            let satisfied = waiters.filter { $0.value.count <= sleeping.count }
            for id in satisfied.keys { waiters[id] = nil }
            return (nil, satisfied.values.map(\.continuation))
        }

        /// The continuation to throw into if the sleep is suspended; one not suspended yet is marked, and
        /// throws as it registers; one already resumed is left alone.
        mutating func cancelSleep(_ id: UInt64) -> CheckedContinuation<Void, any Error>? {
            if beginning[id] != nil {
                beginning[id] = .cancelled
                return nil
            }
            return sleeping.removeValue(forKey: id)?.continuation
        }

        /// True when the wait is over already (enough sleepers, or cancelled meanwhile); else it is kept
        /// until a sleep makes the count.
        mutating func registerWait(_ id: UInt64, for count: Int, _ continuation: CheckedContinuation<Void, Never>) -> Bool {
            guard case .wait = beginning.removeValue(forKey: id), sleeping.count < count else { return true }
            waiters[id] = Waiter(count: count, continuation: continuation)
            return false
        }

        mutating func cancelWait(_ id: UInt64) -> CheckedContinuation<Void, Never>? {
            if beginning[id] != nil {
                beginning[id] = .cancelled
                return nil
            }
            return waiters.removeValue(forKey: id)?.continuation
        }

        /// Moves `now` to `instant` (never back) and takes out the sleepers due by then, in deadline order.
        mutating func advance(to instant: Duration) -> [CheckedContinuation<Void, any Error>] {
            now = max(now, instant)
            let due = sleeping.filter { $0.value.deadline <= now }
                .sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }
            for (id, _) in due { sleeping[id] = nil }
            return due.map(\.value.continuation)
        }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`, attoseconds included.
    fileprivate var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
