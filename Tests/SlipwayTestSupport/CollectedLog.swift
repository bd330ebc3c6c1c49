import Synchronization

/// Collects the lines a builder, a build or a pull sends to its `log` handler.
public final class CollectedLog: Sendable {
    private let collected = Mutex<[String]>([])

    public init() {}

    /// The handler to pass as `log:`.
    public var sink: @Sendable (String) -> Void {
        { line in self.collected.withLock { $0.append(line) } }
    }

    public var lines: [String] { collected.withLock { $0 } }
    public var text: String { lines.joined(separator: "\n") }
}
