import Yams

/// A composed `slipway.yml`: its root node, and the true names of keys that were renamed in the text
/// so that Yams would compose a mapping that repeats a key (see `DocumentComposer`).
struct ConfigDocument {
    /// Nil for a file with no document (empty, or only comments).
    let root: Node?
    let renamedKeys: [SourcePosition: String]

    /// The name of a mapping key as the user wrote it; nil for a key that is a mapping or a list.
    func keyName(of key: Node) -> String? {
        guard case .scalar(let scalar) = key else { return nil }
        if let mark = scalar.mark, let name = renamedKeys[SourcePosition(mark)] { return name }
        return scalar.string
    }
}
