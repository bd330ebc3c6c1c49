import SlipwayModel
import Yams

/// Typed scalars. Each refuses what it cannot read with `expected <what>, got <what was found>`.
extension ConfigReader {
    /// The text of any scalar that is not null; numbers and booleans keep the text the user wrote.
    func string(_ node: ConfigNode, expected: String = "a string") -> String? {
        guard case .scalar = node.node, !node.isNull, let text = node.scalarText else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// A string with something in it other than spaces.
    func nonEmptyString(_ node: ConfigNode, expected: String) -> String? {
        guard let text = string(node, expected: expected) else { return nil }
        guard !text.allSatisfy(\.isWhitespace) else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// An integer written as one (`5`, not `"5"` or `5.0`) within `range`.
    func integer(_ node: ConfigNode, in range: ClosedRange<Int>, expected: String) -> Int? {
        guard case .scalar(let scalar) = node.node, node.tagName == .int,
              let value = Int.construct(from: scalar), range.contains(value) else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return value
    }

    /// A finite number written as one (`0.5` or `2`, not `"0.5"`) within `range`.
    func number(_ node: ConfigNode, in range: ClosedRange<Double>, expected: String) -> Double? {
        var value: Double?
        if case .scalar(let scalar) = node.node {
            switch node.tagName {
            case .int: value = Int.construct(from: scalar).map(Double.init)
            case .float: value = Double.construct(from: scalar)
            default: break
            }
        }
        guard let value, value.isFinite, range.contains(value) else {
            log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return value
    }

    /// True for a switch turned off: `off` or `false` (YAML reads them alike), or `"off"` quoted.
    func isOff(_ node: ConfigNode) -> Bool {
        guard case .scalar(let scalar) = node.node else { return false }
        return node.tagName == .bool ? Bool.construct(from: scalar) == false : scalar.string == "off"
    }

    /// `true` or `false` (YAML 1.1's `yes`, `no`, `on`, `off` too, as Yams reads them).
    func bool(_ node: ConfigNode) -> Bool? {
        guard case .scalar(let scalar) = node.node, node.tagName == .bool,
              let value = Bool.construct(from: scalar) else {
            log.add("expected true or false, got \(node.found)", at: node)
            return nil
        }
        return value
    }

    /// A duration such as `2s` or `1m30s` (see `DurationParser`); with `positive`, `0s` is refused too.
    func duration(_ node: ConfigNode, positive: Bool = false) -> Duration? {
        guard case .scalar = node.node, !node.isNull, let text = node.scalarText,
              let value = DurationParser.parse(text) else {
            log.add("expected a duration like 2s, got \(node.found)", at: node)
            return nil
        }
        if positive && value == .zero {
            log.add("expected a duration longer than 0s, got \(node.found)", at: node)
            return nil
        }
        return value
    }
}
