import Yams

/// Reads typed values out of the composed document, recording a located issue for each one that is
/// wrong and returning nil for it, so decoding goes on and finds the rest.
struct ConfigReader {
    let document: ConfigDocument
    let log: IssueLog
    /// The true key path of each key an environment's overlay brought into a merged mapping, by the
    /// key's position (`ServiceOverlay`): an issue in it names the overlay's own path, not the
    /// service's. Empty outside environments.
    var overlayPaths: [SourcePosition: KeyPath] = [:]

    /// The entries of a mapping. With `keys`, any other key is an unknown-key issue (with the closest
    /// known key as a suggestion); without, any key is allowed (user-chosen names such as services).
    /// A repeated key is an issue at the repetition; its first value is kept. A mapping written as
    /// nothing (`env:`) is empty, so that commenting out every entry of a section is not an error.
    /// Merge keys (`<<: *defaults`) bring in the entries the mapping does not write itself.
    func mapping(_ node: ConfigNode, keys known: [String]? = nil, expected: String = "a mapping") -> MappingFields? {
        if node.isNull { return MappingFields(node: node, entries: []) }
        guard case .mapping(let mapping) = node.node else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        let written = Set(mapping.compactMap { isMergeKey($0.key) ? nil : document.keyName(of: $0.key) })
        var entries: [MappingFields.Entry] = []
        var seen: [String: SourcePosition?] = [:]

        func path(of key: String, at keyPosition: SourcePosition?) -> KeyPath {
            keyPosition.flatMap { overlayPaths[$0] } ?? node.path.appending(key)
        }

        func accept(_ key: String, at keyPosition: SourcePosition?, keyNode: Node, value: Node) {
            let path = path(of: key, at: keyPosition)
            if let known, !known.contains(key) {
                log.add(KeySuggestion.unknownKeyMessage(key, known: known), at: keyPosition, path: path)
                return
            }
            let value = ConfigNode(node: value, path: path, position: valuePosition(value, key: keyPosition))
            entries.append(MappingFields.Entry(key: key, keyPosition: keyPosition, keyNode: keyNode, value: value))
        }

        for (keyNode, valueNode) in mapping {
            let keyPosition = SourcePosition(keyNode.mark)
            if isMergeKey(keyNode) {
                for pair in mergedPairs(valueNode, into: node.path, keyPosition: keyPosition)
                where !written.contains(pair.key) && seen[pair.key] == nil {
                    seen[pair.key] = pair.position
                    accept(pair.key, at: pair.position, keyNode: pair.keyNode, value: pair.value)
                }
                continue
            }
            guard let key = document.keyName(of: keyNode) else {
                let found = ConfigNode(node: keyNode, path: node.path, position: keyPosition).found
                log.add("keys must be plain names, got \(found) as a key", at: keyPosition, path: node.path)
                continue
            }
            if let first = seen[key] {
                let firstLine = first.map { " (first at line \($0.line))" } ?? ""
                log.add("duplicate key \(ConfigNode.quoted(key))\(firstLine)", at: keyPosition,
                        path: path(of: key, at: keyPosition))
                continue
            }
            seen[key] = keyPosition
            accept(key, at: keyPosition, keyNode: keyNode, value: valueNode)
        }
        return MappingFields(node: node, entries: entries)
    }

    /// The value of a key the mapping must have; a missing one is an issue at the mapping.
    func required(_ key: String, in fields: MappingFields) -> ConfigNode? {
        if let value = fields[key] { return value }
        log.add("missing required key \(ConfigNode.quoted(key))", at: fields.node)
        return nil
    }

    /// A value's issue is reported at its key (`slipway.yml:12:7: services.web.health.timeout: …`, as
    /// issue 2 spells it): the key is where the user looks, and an empty value has no position of its
    /// own (libyaml places it wherever the next token starts, often the next line).
    private func valuePosition(_ value: Node, key: SourcePosition?) -> SourcePosition? {
        key ?? SourcePosition(value.mark)
    }
}
