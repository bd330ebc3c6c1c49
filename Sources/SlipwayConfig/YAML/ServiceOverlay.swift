import Yams

/// One service as configured in one environment: its own mapping under `services:`, with layers put
/// over it (the environment's `env:`, then its entry under `environments.E.services`).
///
/// The layers are merged as composed nodes, not as decoded values, so that the one `ServiceDecoder`
/// reads the result and every value keeps its mark: an issue in an overlay's value points at the
/// overlay's own line, and `overlayPaths` gives it the overlay's key path
/// (`environments.staging.services.web.health.path`), not the service's.
///
/// A mapping over a mapping merges key by key, recursively; anything else (a scalar, a list, a
/// mapping over a scalar) replaces what it lies over, whole. A mapping written as nothing over a
/// mapping changes nothing, as an empty `env:` means no variables.
struct ServiceOverlay {
    /// Reads each overlay's mappings, so that a repeated key or a bad merge key in one is reported
    /// where it is written.
    let reader: ConfigReader
    /// Where each key an overlay brought in belongs, by the key's position: what the reader that
    /// decodes the result needs (`ConfigReader.overlayPaths`).
    private(set) var overlayPaths: [SourcePosition: KeyPath] = [:]

    init(reader: ConfigReader) {
        self.reader = reader
    }

    /// `base` with the entries of the mapping `overlay` over it, except the keys in `skipping`.
    mutating func apply(_ overlay: ConfigNode, to base: Node, skipping: Set<String> = []) -> Node {
        guard let entries = reader.mapping(overlay)?.entries else { return base }
        return apply(entries.filter { !skipping.contains($0.key) }, to: base)
    }

    /// `base` with `entries` (the pairs of an overlay, as read) over it. A base that is neither a
    /// mapping nor nothing is returned as it is: its decoder reports it.
    mutating func apply(_ entries: [MappingFields.Entry], to base: Node) -> Node {
        let mapping: Node.Mapping
        switch base {
        case .mapping(let written):
            mapping = written
        case .scalar where isNull(base):
            mapping = Node.Mapping([], .implicit, .any, base.mark)
        default:
            return base
        }
        var pairs = mapping.map { ($0.key, $0.value) }
        // What the base brings in through `<<: *anchor`; a key written in the base wins over these.
        let quiet = ConfigReader(document: reader.document, log: IssueLog(file: reader.log.file))
        let inherited = pairs.filter { reader.isMergeKey($0.0) }.flatMap {
            quiet.mergedPairs($0.1, into: .root, keyPosition: nil)
        }
        for entry in entries {
            if let index = pairs.firstIndex(where: { pair in
                !reader.isMergeKey(pair.0) && reader.document.keyName(of: pair.0) == entry.key
            }) {
                pairs[index] = layer(entry, over: pairs[index].1, key: pairs[index].0)
            } else if let from = inherited.first(where: { $0.key == entry.key }) {
                pairs.append(layer(entry, over: from.value, key: from.keyNode))
            } else {
                pairs.append(replacing(with: entry))
            }
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark ?? base.mark))
    }

    /// The pair `key: value` with `entry`'s value over `value`.
    private mutating func layer(_ entry: MappingFields.Entry, over value: Node, key: Node) -> (Node, Node) {
        let baseIsMapping = value.mapping != nil || isNull(value)
        switch entry.value.node {
        case .mapping where baseIsMapping:
            return (key, apply(entry.value, to: value))
        case .scalar where entry.value.isNull && value.mapping != nil:
            return (key, value)
        default:
            return replacing(with: entry)
        }
    }

    private mutating func replacing(with entry: MappingFields.Entry) -> (Node, Node) {
        if let position = entry.keyPosition { overlayPaths[position] = entry.value.path }
        return (entry.keyNode, entry.value.node)
    }

    private func isNull(_ node: Node) -> Bool {
        ConfigNode(node: node, path: .root, position: nil).isNull
    }
}
