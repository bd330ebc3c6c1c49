import Foundation

/// SQLite's busy handler for the migration connection: SQLite calls it each time it finds the database
/// locked (`tries` counting from 0 within one wait) and retries while it returns true. Until the lock is
/// ours a wait may last the lock wait, and the caller is told once; after that a statement may wait up to
/// the busy timeout (a commit waiting for readers to finish).
final class SQLiteBusyPolicy: @unchecked Sendable {
    private let lock = NSLock()
    private var acquired = false
    private var announced = false
    private var waitingSince = ContinuousClock.now
    private let lockWait: Duration
    private let busyTimeout: Duration

    init(lockWait: Duration, busyTimeout: Duration) {
        self.lockWait = lockWait
        self.busyTimeout = busyTimeout
    }

    func lockAcquired() {
        lock.withLock { acquired = true }
    }

    func shouldRetry(tries: Int, onFirstWait: () -> Void) -> Bool {
        let now = ContinuousClock.now
        let (waited, limit, announce): (Duration, Duration, Bool) = lock.withLock {
            if tries == 0 { waitingSince = now }
            let announce = !acquired && !announced
            if announce { announced = true }
            return (now - waitingSince, acquired ? busyTimeout : lockWait, announce)
        }
        if announce { onFirstWait() }
        guard waited < limit else { return false }
        usleep(50_000)
        return true
    }
}
