/// `{ webhook: ${SLACK_WEBHOOK} }` is not YAML: inside `{ }` or `[ ]` a plain value may not hold `{`
/// or `}`, so libyaml stops at the reference with a message about commas. When a syntax error lands
/// on a line holding an unquoted `${`, this says what to write instead.
enum UnquotedReference {
    static func hint(in yaml: String, at position: SourcePosition?) -> String? {
        guard let position else { return nil }
        let lines = yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard position.line >= 1, position.line <= lines.count else { return nil }
        let line = lines[position.line - 1]
        guard let reference = unquotedReference(in: line) else { return nil }
        return "; a ${VAR} inside { } or [ ] must be quoted, as in \"\(reference)\""
    }

    /// The first `${NAME}` on the line outside quotes.
    private static func unquotedReference(in line: Substring) -> String? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return nil
            } else if line[index...].hasPrefix("${"), let close = line[index...].firstIndex(of: "}") {
                return String(line[index...close])
            }
            index = line.index(after: index)
        }
        return nil
    }
}
