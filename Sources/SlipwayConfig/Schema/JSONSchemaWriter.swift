/// The JSON Schema (draft 2020-12) of `slipway.yml`, written from `ConfigSchema`: what editors
/// with a YAML language server complete and check as the user types.
///
/// Two things the decoder allows everywhere are allowed here too: a mapping written as nothing
/// (`health:`), read as empty unless something in it is required, and the YAML merge key
/// (`<<: *defaults`). An environment's entry for a service is an overlay: the same keys, none
/// required (the service's own settings supply them), so each mapping under a service also has an
/// `…Overlay` definition without its required keys.
package struct JSONSchemaWriter {
    package static let schemaID = "https://slipway.dev/schema/slipway.json"

    private var definitions: [String: JSONValue] = [:]

    /// The whole schema, keys sorted when rendered.
    package static func schema() -> JSONValue {
        var writer = JSONSchemaWriter()
        var root = writer.mappingSchema(ConfigSchema.project, overlay: false)
        root["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        root["$id"] = .string(schemaID)
        root["title"] = .string("slipway.yml")
        root["description"] = .string("The configuration of Slipway, a deployment orchestrator. "
                                      + "Reference: docs/CONFIG.md. " + ConfigSchema.project.summary)
        writer.definitions["mergeKey"] = .object([
            "description": .string("A YAML merge key (<<: *anchor): the mapping, or list of mappings, whose entries this one takes unless it writes them itself."),
            "anyOf": .array([.object(["type": .string("object")]),
                             .object(["type": .string("array"), "items": .object(["type": .string("object")])])]),
        ])
        writer.definitions["duration"] = .object([
            "type": .string("string"),
            "pattern": .string("^" + ConfigSchema.durationPattern + "$"),
            "description": .string("A duration: numbers each followed by a unit, ms, s, m, h or d (30s, 1m30s, 1.5h, 250ms); a bare number is refused."),
        ])
        writer.definitions["positiveDuration"] = .object([
            "type": .string("string"),
            "pattern": .string("^(?=.*[1-9])" + ConfigSchema.durationPattern + "$"),
            "description": .string("A duration longer than 0s: numbers each followed by a unit, ms, s, m, h or d (30s, 1m30s, 1.5h)."),
        ])
        root["$defs"] = .object(writer.definitions)
        return .object(root)
    }

    /// The schema as `slipway schema` prints it.
    package static func text() -> String { schema().rendered() + "\n" }

    static func definitionName(_ mapping: MappingSchema, overlay: Bool) -> String {
        overlay ? mapping.id + "Overlay" : mapping.id
    }

    private mutating func mappingSchema(_ mapping: MappingSchema, overlay: Bool) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        for key in mapping.keys {
            var property = shape(key.shape, overlay: overlay)
            var description = key.summary
            switch key.defaultValue {
            case .value(let text)?:
                description += " Default: \(text)."
                if let typed = Self.typedDefault(text, of: key.shape) { property["default"] = typed }
            case .described(let text)?:
                description += " Default: \(text)."
            case nil:
                if key.required && !overlay { description += " Required." }
            }
            property["description"] = .string(description)
            properties[key.name] = .object(property)
        }
        let nullable = overlay || mapping.acceptsNothing
        var schema: [String: JSONValue] = [
            "type": nullable ? .array([.string("object"), .string("null")]) : .string("object"),
            "description": .string(mapping.summary),
            "properties": .object(properties),
            "patternProperties": .object(["^<<$": Self.reference("mergeKey")]),
            "additionalProperties": .bool(false),
        ]
        if !overlay {
            if !mapping.requiredKeys.isEmpty { schema["required"] = .array(mapping.requiredKeys.map(JSONValue.string)) }
            let rules = mapping.rules.map(Self.rule)
            if !rules.isEmpty { schema["allOf"] = .array(rules) }
        }
        return schema
    }

    private mutating func shape(_ shape: ValueShape, overlay: Bool) -> [String: JSONValue] {
        switch shape {
        case .text(let nonEmpty):
            var schema: [String: JSONValue] = ["type": .array([.string("string"), .string("number"), .string("boolean")])]
            if nonEmpty { schema["pattern"] = .string(#"\S"#) }
            return schema
        case .string(let pattern, _):
            return ["type": .string("string"), "pattern": .string(pattern)]
        case .integer(let min, let max):
            var schema: [String: JSONValue] = ["type": .string("integer"), "minimum": .integer(min)]
            if let max { schema["maximum"] = .integer(max) }
            return schema
        case .number(let min, let max):
            var schema: [String: JSONValue] = ["type": .string("number"), "minimum": .number(min)]
            if let max { schema["maximum"] = .number(max) }
            return schema
        case .boolean:
            return ["type": .string("boolean")]
        case .duration(let positive):
            return ["$ref": .string("#/$defs/" + (positive ? "positiveDuration" : "duration"))]
        case .choice(let words):
            return ["enum": .array(words.map(JSONValue.string))]
        case .off:
            return ["enum": .array([.bool(false), .string("off")])]
        case .null:
            return ["type": .string("null")]
        case .scalar:
            return ["type": .array(["string", "number", "boolean", "null"].map(JSONValue.string))]
        case .list(let item, let minItems, let unique):
            var schema: [String: JSONValue] = [
                "type": minItems > 0 ? .string("array") : .array([.string("array"), .string("null")]),
                "items": .object(self.shape(item, overlay: overlay)),
            ]
            if minItems > 0 { schema["minItems"] = .integer(minItems) }
            if unique { schema["uniqueItems"] = .bool(true) }
            return schema
        case .names(let rule, let value):
            return [
                "type": .array([.string("object"), .string("null")]),
                "propertyNames": .object(["pattern": .string("^<<$|" + rule.pattern)]),
                "patternProperties": .object(["^<<$": Self.reference("mergeKey")]),
                "additionalProperties": .object(self.shape(value, overlay: overlay)),
            ]
        case .mapping(let mapping):
            let name = Self.definitionName(mapping, overlay: overlay)
            if definitions[name] == nil {
                definitions[name] = .null  // taken, so a mapping that holds itself ends
                definitions[name] = .object(mappingSchema(mapping, overlay: overlay))
            }
            return ["$ref": .string("#/$defs/" + name)]
        case .overlay(let mapping):
            return self.shape(.mapping(mapping), overlay: true)
        case .either(let shapes):
            return ["anyOf": .array(shapes.map { .object(self.shape($0, overlay: overlay)) })]
        case .refused(let reason):
            return ["not": .object([:]), "description": .string(reason)]
        }
    }

    private static func reference(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/$defs/" + name)])
    }

    private static func rule(_ rule: MappingRule) -> JSONValue {
        func required(_ keys: [String]) -> JSONValue { .object(["required": .array(keys.map(JSONValue.string))]) }
        switch rule {
        case .exactlyOne(let keys): return .object(["oneOf": .array(keys.map { required([$0]) })])
        case .atLeastOne(let keys): return .object(["anyOf": .array(keys.map { required([$0]) })])
        case .requires(let keys, let condition): return .object(["if": Self.condition(condition), "then": required(keys)])
        }
    }

    private static func condition(_ condition: MappingRule.Condition) -> JSONValue {
        switch condition {
        case .present(let key):
            return .object(["required": .array([.string(key)])])
        case .equals(let key, let value):
            return .object(["required": .array([.string(key)]),
                            "properties": .object([key: .object(["const": .string(value)])])])
        case .not(let inner):
            return .object(["not": Self.condition(inner)])
        case .anyOf(let conditions):
            return .object(["anyOf": .array(conditions.map(Self.condition))])
        }
    }

    /// A default as JSON, for editors to offer; nil when the text is not a value of the key's shape.
    static func typedDefault(_ text: String, of shape: ValueShape) -> JSONValue? {
        switch shape {
        case .integer: return Int(text).map(JSONValue.integer)
        case .number: return Double(text).map(JSONValue.number)
        case .boolean: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        case .null: return text == "null" ? .null : nil
        case .off: return text == "false" ? .bool(false) : nil
        case .choice(let words): return words.contains(text) ? .string(text) : nil
        case .duration, .string, .text: return text.hasPrefix("{") || text.hasPrefix("[") ? nil : .string(text)
        case .either(let shapes): return shapes.lazy.compactMap { typedDefault(text, of: $0) }.first
        case .scalar, .list, .names, .mapping, .overlay, .refused: return nil
        }
    }
}
