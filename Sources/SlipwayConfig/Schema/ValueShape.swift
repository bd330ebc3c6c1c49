/// What the value of one key of `slipway.yml` may be, as the decoder reads it. The JSON Schema
/// (`JSONSchemaWriter`) and docs/CONFIG.md (`ConfigReference`) are both written from these.
package indirect enum ValueShape: Sendable {
    /// Any scalar but null, read as the text written (`8080` and `on` are text too), as
    /// `ConfigReader.string` reads it; `nonEmpty`: something other than spaces.
    case text(nonEmpty: Bool)
    /// A quoted or plain string matching `pattern` (ECMA-262, as JSON Schema uses); `what` says it in words.
    case string(pattern: String, what: String)
    /// An integer written as one (`5`, not `"5"`), from `min` to `max` (nil: no upper bound).
    case integer(min: Int, max: Int?)
    /// A number written as one (`0.5` or `2`), from `min` to `max` (nil: no upper bound).
    case number(min: Double, max: Double?)
    /// `true` or `false` (YAML 1.1's `yes`, `no`, `on`, `off` too).
    case boolean
    /// Text `DurationParser` reads: `30s`, `1m30s`, `250ms`, `1.5h`, `30d`; `positive`: not `0s`.
    case duration(positive: Bool)
    /// One word of a closed vocabulary.
    case choice([String])
    /// A switch turned off: `false` (or `off`, which YAML 1.1 reads alike), or `"off"` quoted.
    case off
    /// `null` (or nothing, or `~`).
    case null
    /// Any scalar, typed as YAML reads it: a string, a number, a boolean or null.
    case scalar
    /// A list of items each of `item`; `minItems`: how many at least; `unique`: no item twice.
    case list(ValueShape, minItems: Int, unique: Bool)
    /// A mapping of names the user chooses (`rule`) to values of one shape.
    case names(NameRule, ValueShape)
    /// A mapping with a fixed set of keys.
    case mapping(MappingSchema)
    /// The keys of a mapping, none required, merged key by key over one written elsewhere (an
    /// environment's entry for a service, `ServiceOverlay`).
    case overlay(MappingSchema)
    /// Any one of these.
    case either([ValueShape])
    /// A key the decoder knows but refuses whatever its value (kept so its message can say why).
    case refused(String)

    /// Words quoted, with "or" (or `conjunction`) before the last.
    static func words(_ words: [String], joinedBy conjunction: String = "or") -> String {
        guard words.count > 1 else { return words.first.map { "`\($0)`" } ?? "" }
        return words.dropLast().map { "`\($0)`" }.joined(separator: ", ") + " \(conjunction) `\(words.last!)`"
    }
}

/// What the keys of a mapping of user-chosen names must look like.
package struct NameRule: Sendable {
    package let pattern: String
    package let what: String
}
