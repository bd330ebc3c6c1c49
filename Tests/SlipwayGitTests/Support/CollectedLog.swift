import Synchronization

/// Collects the lines a builder sends to its `log` handler.
final class CollectedLog: Sendable {
    private let collected = Mutex<[String]>([])

    var handler: @Sendable (String) -> Void {
        { line in self.collected.withLock { $0.append(line) } }
    }

    var lines: [String] { collected.withLock { $0 } }
}
