import Synchronization

/// Calls `onReady` once, when the last of `listeners` reports that it accepts connections.
final class ReadyCount: Sendable {
    private let remaining: Mutex<Int>
    private let onReady: @Sendable () async -> Void

    init(listeners: Int, onReady: @escaping @Sendable () async -> Void) {
        remaining = Mutex(listeners)
        self.onReady = onReady
    }

    func listening() async {
        let last = remaining.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if last { await onReady() }
    }
}
