import SlipwayModel

/// Collects every problem found in one file rather than stopping at the first,
/// so that one `slipway check` shows the user all there is to fix.
final class IssueLog {
    /// The file as the caller named it: relative stays relative.
    let file: String
    private var recorded: [SlipwayError] = []
    /// What is recorded, to drop an issue found again: with `environments:`, a service is decoded
    /// once per environment, and a problem in its own settings is the same problem in each.
    private var seen: Set<Seen> = []

    private struct Seen: Hashable {
        let message: String
        let line: Int?
        let column: Int?
        let path: String?
    }

    init(file: String) {
        self.file = file
    }

    var isEmpty: Bool { recorded.isEmpty }

    func add(_ message: String, at position: SourcePosition?, path: KeyPath) {
        let context = ErrorContext(file: file, line: position?.line, column: position?.column,
                                   keyPath: path.isRoot ? nil : path.description)
        guard seen.insert(Seen(message: message, line: position?.line, column: position?.column,
                               path: context.keyPath)).inserted else { return }
        recorded.append(SlipwayError(.configInvalid, message, context: context))
    }

    func add(_ message: String, at node: ConfigNode) {
        add(message, at: node.position, path: node.path)
    }

    /// The issues in file order; two at one position keep the order they were found in.
    var issues: [SlipwayError] {
        recorded.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.context.line ?? 0, lhs.element.context.column ?? 0, lhs.offset)
            let right = (rhs.element.context.line ?? 0, rhs.element.context.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }
}
