import Foundation
import Yams

/// A YAML node together with its key path and the position an error about it should point at.
struct ConfigNode {
    let node: Node
    let path: KeyPath
    /// The node's own position; for a key written with no value (`build:`), the key's position,
    /// since an empty value has no text to point at.
    let position: SourcePosition?

    /// The node's YAML type: `str` for quoted text whatever it looks like, else as the text reads.
    var tagName: Tag.Name { Resolver.default.resolveTag(of: node) }

    /// True for a value written as nothing, `~` or `null`.
    var isNull: Bool {
        guard case .scalar = node else { return false }
        return tagName == .null
    }

    /// The text of a scalar; nil for mappings and lists.
    var scalarText: String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    /// How an error message shows what was found: `"two"` for a string, `2` for a number,
    /// `a mapping` or `a list` for collections. Long or multi-line text is shortened.
    var found: String {
        switch node {
        case .scalar(let scalar):
            if isNull { return scalar.string.isEmpty ? "nothing" : scalar.string }
            if tagName == .str { return Self.quoted(scalar.string) }
            return scalar.string
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func quoted(_ text: String) -> String {
        let limit = 60
        var shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
        shown = shown.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
            // A carriage return printed as is sends the terminal back to the start of the line.
            .replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "\t", with: "\\t")
        return "\"\(shown)\""
    }
}
