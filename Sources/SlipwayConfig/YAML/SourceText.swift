/// Positions in the YAML text counted as libyaml counts them: lines from 1, columns from 1 in Unicode
/// scalars, a leading byte-order mark not counted, and `\r\n`, `\r`, `\n`, NEL, LS and PS each one line break.
enum SourceText {
    /// `text` with the first character of the key at `position` replaced by `marker`, or nil when that key
    /// is not a plain or quoted scalar that can take it (an alias, an anchor, a tag, a complex or empty key).
    static func replacingKeyCharacter(at position: SourcePosition, in text: String,
                                      with marker: Unicode.Scalar) -> String? {
        var scalars = Array(text.unicodeScalars)
        guard var index = index(of: position, in: scalars) else { return nil }
        if scalars[index] == "\"" || scalars[index] == "'" {
            let quote = scalars[index]
            index += 1
            guard index < scalars.count, scalars[index] != quote, !isBreak(scalars[index]) else { return nil }
        } else if "*&!?{[|>%@`".unicodeScalars.contains(scalars[index]) || isBreak(scalars[index]) {
            return nil
        }
        scalars[index] = marker
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The position of the character `offset` characters into `text` (as Yams reports reader errors).
    static func position(atCharacterOffset offset: Int, in text: String) -> SourcePosition {
        let prefix = String(text.prefix(offset))
        var line = 1
        var column = 1
        forEachScalar(in: Array(prefix.unicodeScalars)) { _, isLineBreak in
            if isLineBreak { line += 1; column = 1 } else { column += 1 }
            return true
        }
        return SourcePosition(line: line, column: column)
    }

    private static func index(of position: SourcePosition, in scalars: [Unicode.Scalar]) -> Int? {
        var line = 1
        var column = 1
        var found: Int?
        forEachScalar(in: scalars) { index, isLineBreak in
            if line == position.line && column == position.column {
                found = index
                return false
            }
            if isLineBreak { line += 1; column = 1 } else { column += 1 }
            return true
        }
        return found
    }

    /// Calls `body` with the index of each character libyaml counts and whether it ends a line,
    /// until `body` returns false. `\r\n` is one call, at the `\r`.
    private static func forEachScalar(in scalars: [Unicode.Scalar], _ body: (Int, Bool) -> Bool) {
        var index = scalars.first == "\u{FEFF}" ? 1 : 0
        while index < scalars.count {
            let isLineBreak = isBreak(scalars[index])
            guard body(index, isLineBreak) else { return }
            if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
            index += 1
        }
    }

    private static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }
}
