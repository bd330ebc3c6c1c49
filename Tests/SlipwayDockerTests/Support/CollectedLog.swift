import Synchronization

/// The lines a build or pull logged.
final class CollectedLog: Sendable {
    private let collected = Mutex<[String]>([])

    var lines: [String] { collected.withLock { $0 } }
    var text: String { lines.joined(separator: "\n") }

    var sink: @Sendable (String) -> Void {
        { line in self.collected.withLock { $0.append(line) } }
    }
}
