/// YAML lists (`volumes: [...]`), each item located at its own line and column.
extension ConfigReader {
    /// The items of a list, each with the key path `key[index]`. A list written as nothing
    /// (`volumes:`) is empty, as a mapping written as nothing is.
    func list(_ node: ConfigNode, expected: String = "a list") -> [ConfigNode]? {
        if node.isNull { return [] }
        guard case .sequence(let sequence) = node.node else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, path: node.path.appending(index: index),
                       position: SourcePosition(item.mark) ?? node.position)
        }
    }
}
