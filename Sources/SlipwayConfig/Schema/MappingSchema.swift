/// One mapping of `slipway.yml` with a fixed set of keys (`health:`, a service, an environment…):
/// the list its decoder accepts (`ConfigReader.mapping(_:keys:)` takes `keyNames`), and for each
/// key its shape, default, description and an example.
package struct MappingSchema: Sendable {
    /// The name of its definition in the JSON Schema (`#/$defs/<id>`).
    package let id: String
    /// Where it is in the file, as docs/CONFIG.md shows it: `services.NAME.health`.
    package let path: String
    package let summary: String
    package let keys: [KeySchema]
    /// What the keys say about each other beyond each one being required or not.
    package let rules: [MappingRule]

    package init(id: String, path: String, summary: String, keys: [KeySchema], rules: [MappingRule] = []) {
        self.id = id
        self.path = path
        self.summary = summary
        self.keys = keys
        self.rules = rules
    }

    /// Every key the decoder accepts, in the order of the table.
    package var keyNames: [String] { keys.map(\.name) }

    /// The keys the decoder demands whatever else is written (`ConfigReader.required`).
    package var requiredKeys: [String] { keys.filter(\.required).map(\.name) }

    package subscript(key: String) -> KeySchema? { keys.first { $0.name == key } }

    /// Whether the mapping may be written as nothing (`health:`), which the decoder reads as empty:
    /// only when nothing in it is demanded.
    var acceptsNothing: Bool { requiredKeys.isEmpty && rules.isEmpty }
}

/// One key of a mapping.
package struct KeySchema: Sendable {
    package let name: String
    package let shape: ValueShape
    package let required: Bool
    package let defaultValue: DefaultValue?
    package let summary: String
    /// The value as it would be written after `name: `.
    package let example: String

    package init(_ name: String, _ shape: ValueShape, required: Bool = false, default defaultValue: DefaultValue? = nil,
                 _ summary: String, example: String) {
        self.name = name
        self.shape = shape
        self.required = required
        self.defaultValue = defaultValue
        self.summary = summary
        self.example = example
    }
}

/// What a key left out amounts to.
package enum DefaultValue: Sendable {
    /// A value as it would be written (`30s`, `1`, `true`).
    case value(String)
    /// What happens, in words, when there is no value to write (`none`, `the service's name`).
    case described(String)
}

/// A rule about which keys of a mapping go together.
package enum MappingRule: Sendable {
    /// Exactly one of these keys (a check has `run:` or `coverage:`).
    case exactlyOne([String])
    /// At least one of these keys (a preview has `host:`, `header:` or both).
    case atLeastOne([String])
    /// These keys are required when `condition` holds.
    case requires([String], when: Condition)

    package indirect enum Condition: Sendable {
        case present(String)
        case equals(String, String)
        case not(Condition)
        case anyOf([Condition])
    }
}
