import Yams

/// The scalar keys of every mapping in a composed tree, by the position libyaml marks them at.
enum KeyNodes {
    /// Each mapping and list is read once: an alias repeats its anchor's nodes, marks and all, and a tree of
    /// aliases of aliases would otherwise be read an exponential number of times.
    static func keys(in root: Node?) -> [SourcePosition: String] {
        var keys: [SourcePosition: String] = [:]
        var read = Set<Container>()
        var pending = root.map { [$0] } ?? []
        while let node = pending.popLast() {
            switch node {
            case .mapping(let mapping):
                guard read.insert(Container(node, count: mapping.count)).inserted else { continue }
                for (key, value) in mapping {
                    if case .scalar(let scalar) = key, let position = SourcePosition(scalar.mark) {
                        keys[position] = scalar.string
                    } else {
                        pending.append(key)
                    }
                    pending.append(value)
                }
            case .sequence(let sequence):
                guard read.insert(Container(node, count: sequence.count)).inserted else { continue }
                pending.append(contentsOf: sequence)
            case .scalar, .alias:
                continue
            }
        }
        return keys
    }

    private struct Container: Hashable {
        let position: SourcePosition?
        let isMapping: Bool
        let count: Int

        init(_ node: Node, count: Int) {
            position = SourcePosition(node.mark)
            isMapping = node.mapping != nil
            self.count = count
        }
    }
}
