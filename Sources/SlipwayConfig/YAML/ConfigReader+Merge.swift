import Yams

/// YAML merge keys, `<<: *defaults` or `<<: [*a, *b]`, so services can share settings through anchors.
extension ConfigReader {
    func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar = key else { return false }
        return Resolver.default.resolveTag(of: key) == .merge
    }

    /// The pairs the merge brings in, earlier sources first: where they repeat a key, the earlier wins,
    /// as the YAML merge spec says. Positions are those of the anchored text the pairs come from.
    func mergedPairs(_ value: Node, into path: KeyPath, keyPosition: SourcePosition?)
        -> [(key: String, keyNode: Node, position: SourcePosition?, value: Node)] {
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case .sequence(let sequence) where sequence.allSatisfy({ $0.mapping != nil }): sources = Array(sequence)
        default:
            let found = ConfigNode(node: value, path: path, position: SourcePosition(value.mark) ?? keyPosition).found
            log.add("expected a mapping or a list of mappings to merge, got \(found)",
                    at: SourcePosition(value.mark) ?? keyPosition, path: path.appending("<<"))
            return []
        }
        var pairs: [(key: String, keyNode: Node, position: SourcePosition?, value: Node)] = []
        for case .mapping(let mapping) in sources {
            for (key, value) in mapping {
                guard let name = document.keyName(of: key), !pairs.contains(where: { $0.key == name }) else { continue }
                pairs.append((name, key, SourcePosition(key.mark), value))
            }
        }
        return pairs
    }
}
