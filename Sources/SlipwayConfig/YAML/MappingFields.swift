import Yams

/// The entries of one YAML mapping, each key once, in file order.
struct MappingFields {
    struct Entry {
        let key: String
        let keyPosition: SourcePosition?
        /// The key as composed (its mark kept): what a merged mapping is built from (`ServiceOverlay`).
        let keyNode: Node
        let value: ConfigNode
    }

    /// The mapping itself: where a missing required key is reported.
    let node: ConfigNode
    let entries: [Entry]

    subscript(key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }
}
