import Yams

/// Reads typed values out of the composed document, recording a located issue for each one that is
/// wrong and returning nil for it, so decoding goes on and finds the rest.
struct ConfigReader {
    let document: ConfigDocument
    let log: IssueLog

    /// The entries of a mapping. With `keys`, any other key is an unknown-key issue (with the closest
    /// known key as a suggestion); without, any key is allowed (user-chosen names such as services).
    /// A repeated key is an issue at the repetition; its first value is kept. A mapping written as
    /// nothing (`env:`) is empty, so that commenting out every entry of a section is not an error.
    func mapping(_ node: ConfigNode, keys known: [String]? = nil, expected: String = "a mapping") -> MappingFields? {
        if node.isNull { return MappingFields(node: node, entries: []) }
        guard case .mapping(let mapping) = node.node else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        var entries: [MappingFields.Entry] = []
        var seen: [String: SourcePosition?] = [:]
        for (keyNode, valueNode) in mapping {
            let keyPosition = SourcePosition(keyNode.mark)
            guard let key = document.keyName(of: keyNode) else {
                log.add("keys must be plain names, got \(ConfigNode(node: keyNode, path: node.path, position: nil).found) as a key",
                        at: keyPosition, path: node.path)
                continue
            }
            let path = node.path.appending(key)
            if let first = seen[key] {
                let firstLine = first.map { " (first at line \($0.line))" } ?? ""
                log.add("duplicate key \(ConfigNode.quoted(key))\(firstLine)", at: keyPosition, path: path)
                continue
            }
            seen[key] = keyPosition
            if let known, !known.contains(key) {
                log.add(KeySuggestion.unknownKeyMessage(key, known: known), at: keyPosition, path: path)
                continue
            }
            let value = ConfigNode(node: valueNode, path: path, position: valuePosition(valueNode, key: keyPosition))
            entries.append(MappingFields.Entry(key: key, keyPosition: keyPosition, value: value))
        }
        return MappingFields(node: node, entries: entries)
    }

    /// The value of a key the mapping must have; a missing one is an issue at the mapping.
    func required(_ key: String, in fields: MappingFields) -> ConfigNode? {
        if let value = fields[key] { return value }
        log.add("missing required key \(ConfigNode.quoted(key))", at: fields.node)
        return nil
    }

    /// A key written with nothing after it has an empty scalar that libyaml places wherever the next token
    /// starts, often the next line; the key is where the user looks.
    private func valuePosition(_ value: Node, key: SourcePosition?) -> SourcePosition? {
        if case .scalar(let scalar) = value, scalar.string.isEmpty, scalar.style == .plain { return key }
        return SourcePosition(value.mark) ?? key
    }
}
