import Yams

/// A file that is not YAML (or not one document), with the position libyaml reported.
struct SyntaxIssue: Error {
    let message: String
    let position: SourcePosition?

    init(message: String, at position: SourcePosition?) {
        self.message = message
        self.position = position
    }

    init(_ error: YamlError, in yaml: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if case .composer = error, problem == "but found another document" {
                // Yams' wording is written for its own context; say what it means for this file.
                self.init(message: "invalid YAML: a second document starts here; the file must hold one",
                          at: SourcePosition(mark))
                return
            }
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            // libyaml's words for a tab ("found character that cannot start any token") never say tab.
            if Self.indentedWithTab(line: mark.line, in: yaml) {
                message = "invalid YAML: this line is indented with a tab; YAML indents with spaces only (\(problem))"
            }
            self.init(message: message, at: SourcePosition(mark))
        case .reader(let problem, let offset, _, _):
            self.init(message: "invalid YAML: \(problem)",
                      at: offset.map { SourceText.position(atCharacterOffset: $0, in: yaml) })
        default:
            self.init(message: "invalid YAML: \(error)", at: nil)
        }
    }

    /// Whether the indentation of `line` (1-based, as libyaml counts) holds a tab.
    static func indentedWithTab(line: Int, in yaml: String) -> Bool {
        var current = 1
        for text in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == line { return text.prefix { $0 == " " || $0 == "\t" }.contains("\t") }
            current += 1
        }
        return false
    }
}
