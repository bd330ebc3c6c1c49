import SlipwayModel

/// The `KEY=value` lines of `.slipway/secrets.env`, as dotenv files write them:
///
/// - blank lines and lines starting with `#` are ignored; `export KEY=value` is accepted;
/// - a value is taken whole, from after `=` to the end of the line, spaces around it trimmed, so a
///   password may hold `#`, `=` or spaces inside;
/// - `'single quotes'` keep their text as is; `"double quotes"` understand `\"`, `\\` and `\n`;
///   a `#` comment may follow a closing quote.
///
/// Every issue names the file and line, never the value.
enum SecretsFileParser {
    static func parse(_ text: String, file: String) throws -> [String: String] {
        var values: [String: String] = [:]
        var firstLine: [String: Int] = [:]
        var issues: [SlipwayError] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            func report(_ message: String) {
                issues.append(SlipwayError(.configInvalid, message, context: ErrorContext(file: file, line: lineNumber)))
            }
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                report("expected KEY=value")
                continue
            }
            let key = String(line[..<equals]).trimmingSpaces
            guard NameRules.isValidEnvironmentName(key) else {
                report("expected KEY=value with a variable name that uses letters, digits and \"_\", "
                       + "not starting with a digit")
                continue
            }
            if let first = firstLine[key] {
                report("\(key) is already set at line \(first)")
                continue
            }
            switch value(String(line[line.index(after: equals)...]).trimmingSpaces) {
            case .success(let value):
                values[key] = value
                firstLine[key] = lineNumber
            case .failure(let problem):
                report("\(key): \(problem.message)")
            }
        }
        guard issues.isEmpty else { throw ConfigIssues(issues) }
        return values
    }

    struct Problem: Error {
        let message: String
    }

    private static func value(_ text: String) -> Result<String, Problem> {
        guard let quote = text.first, quote == "\"" || quote == "'" else { return .success(text) }
        var value = ""
        var escaped = false
        var rest = text.dropFirst()
        while let character = rest.first {
            rest = rest.dropFirst()
            if escaped {
                switch character {
                case "n": value.append("\n")
                case "\"", "\\": value.append(character)
                default: value.append("\\"); value.append(character)
                }
                escaped = false
            } else if character == "\\" && quote == "\"" {
                escaped = true
            } else if character == quote {
                let after = rest.drop { $0 == " " || $0 == "\t" }
                guard after.isEmpty || after.hasPrefix("#") else {
                    return .failure(Problem(message: "unexpected text after the closing quote"))
                }
                return .success(value)
            } else {
                value.append(character)
            }
        }
        return .failure(Problem(message: "the value's opening \(quote) has no closing \(quote) on the same line"))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
