import Foundation

/// docs/CONFIG.md: every key of `slipway.yml` with its type, default, description and an example,
/// written from `ConfigSchema` (`slipway schema --markdown`). A test fails when the committed file
/// differs from this text.
package enum ConfigReference {
    package static let regenerate = "swift run slipway schema --markdown > docs/CONFIG.md"

    package static func markdown() -> String {
        var lines = [
            "# slipway.yml reference",
            "",
            "<!-- Generated from Sources/SlipwayConfig/Schema by `\(regenerate)`; do not edit. -->",
            "",
            "Every key `slipway.yml` accepts, from the same table the decoder validates with, so this page",
            "and `slipway check` cannot disagree. A key left out takes its default. `slipway schema` prints the",
            "same table as a JSON Schema for editors; see the README's \"Using it\".",
            "",
            "- **text**: any scalar, read as the text written (`8080` and `yes` are text too); *non-empty*: not only spaces.",
            "- **duration**: numbers each followed by a unit, `ms`, `s`, `m`, `h` or `d`: `30s`, `1m30s`, `1.5h`, `250ms`.",
            "  A bare number (`30`) is refused: seconds or milliseconds? *> 0*: `0s` is refused too.",
            "- **integer**, **number**: written as numbers; `\"5\"` quoted is a string and refused.",
            "- A mapping written as nothing (`health:`) is empty, unless a key in it is required.",
            "- YAML anchors and merge keys (`<<: *defaults`) work in every mapping; what a mapping writes itself wins.",
            "- `${VAR}` in `env:`, database URLs, notification credentials and purge requests is read from the",
            "  daemon's environment or `.slipway/secrets.env`.",
            "- Any other key is refused, with the closest known key suggested.",
            "",
            "## Contents",
            "",
        ]
        lines += ConfigSchema.all.map { "- [`\($0.path)`](#\($0.id))" }
        for mapping in ConfigSchema.all {
            lines += ["", "<a id=\"\(mapping.id)\"></a>", "", "## `\(mapping.path)`", "", mapping.summary]
            let rules = mapping.rules.map(ruleText)
            if !rules.isEmpty { lines += [""] + rules.map { "- " + $0 } }
            lines += ["", "| Key | Type | Default | Description | Example |", "|---|---|---|---|---|"]
            for key in mapping.keys {
                let defaultText: String = switch key.defaultValue {
                case .value(let text)?: "`\(text)`"
                case .described(let text)?: text
                case nil: key.required ? "**required**" : ""
                }
                let cells = ["`\(key.name)`", type(key.shape), defaultText, key.summary,
                             key.example == "(none)" ? "" : "`\(key.name): \(key.example)`"]
                lines.append("| " + cells.map(cell).joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func type(_ shape: ValueShape) -> String {
        switch shape {
        case .text(let nonEmpty): return nonEmpty ? "text, non-empty" : "text"
        case .string(_, let what): return what
        case .integer(let min, let max?): return "integer \(min)–\(max)"
        case .integer(let min, nil): return "integer ≥ \(min)"
        case .number(let min, let max?): return "number \(format(min))–\(format(max))"
        case .number(let min, nil): return "number ≥ \(format(min))"
        case .boolean: return "boolean"
        case .duration(let positive): return positive ? "duration > 0" : "duration"
        case .choice(let words): return ValueShape.words(words)
        case .off: return "`false`"
        case .null: return "`null`"
        case .scalar: return "string, number, boolean or null"
        case .list(let item, let minItems, _):
            return (minItems > 0 ? "non-empty list of " : "list of ") + type(item)
        case .names(let rule, let value): return "mapping of names (\(rule.what)) to " + type(value)
        case .mapping(let mapping): return "[mapping](#\(mapping.id))"
        case .overlay(let mapping): return "[mapping](#\(mapping.id)), none required (merged over it)"
        case .either(let shapes): return shapes.map(type).joined(separator: " or ")
        case .refused(let reason): return "refused: \(reason)"
        }
    }

    private static func ruleText(_ rule: MappingRule) -> String {
        switch rule {
        case .exactlyOne(let keys): return "Exactly one of \(ValueShape.words(keys))."
        case .atLeastOne(let keys): return "At least one of \(ValueShape.words(keys))."
        case .requires(let keys, .not(let condition)):
            return "\(ValueShape.words(keys, joinedBy: "and")) \(keys.count > 1 ? "are" : "is") required unless \(conditionText(condition))."
        case .requires(let keys, let condition):
            return "\(ValueShape.words(keys, joinedBy: "and")) \(keys.count > 1 ? "are" : "is") required when \(conditionText(condition))."
        }
    }

    private static func conditionText(_ condition: MappingRule.Condition) -> String {
        switch condition {
        case .present(let key): return "`\(key):` is written"
        case .equals(let key, let value): return "`\(key): \(value)`"
        case .not(let inner): return "not (\(conditionText(inner)))"
        case .anyOf(let conditions): return conditions.map(conditionText).joined(separator: " or ")
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A table cell: `|` would end it, a line break the row.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
