/// `.dockerignore` as the Docker CLI reads it (moby's `patternmatcher`): one pattern per line,
/// `#` comments, `!` exceptions, `*` and `?` within one path component, `**` across any number,
/// `[...]` classes; the last matching pattern decides, and a pattern that matches a directory
/// excludes everything under it.
struct DockerIgnore: Sendable {
    struct Pattern: @unchecked Sendable {
        // Unchecked: a compiled Regex is immutable once built.
        let exception: Bool
        let regex: Regex<AnyRegexOutput>
    }

    let patterns: [Pattern]

    init(text: String) {
        var patterns: [Pattern] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if number == 0, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.hasPrefix("#") { continue }
            var pattern = line.trimmingWhitespace()
            let exception = pattern.hasPrefix("!")
            if exception { pattern = pattern.dropFirst().trimmingWhitespace() }
            guard !pattern.isEmpty else { continue }
            var cleaned = Self.clean(String(pattern))
            if cleaned.count > 1, cleaned.hasPrefix("/") { cleaned.removeFirst() }
            // A pattern Docker would refuse (an unclosed `[`) matches nothing rather than everything.
            guard let regex = try? Regex(Self.regex(for: cleaned)) else { continue }
            patterns.append(Pattern(exception: exception, regex: regex))
        }
        self.patterns = patterns
    }

    /// Whether `path` (relative, `/`-separated) is left out of the context.
    func excludes(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        let parents = (1..<max(components.count, 1)).map { components.prefix($0).joined(separator: "/") }
        var excluded = false
        for pattern in patterns where pattern.exception == excluded {
            var matches = path.wholeMatch(of: pattern.regex) != nil
            if !matches {
                matches = parents.contains { $0.wholeMatch(of: pattern.regex) != nil }
            }
            if matches { excluded = !pattern.exception }
        }
        return excluded
    }

    /// Whether an excluded directory must still be walked: some `!` pattern may bring back a
    /// file inside it.
    func mayReinclude(under directory: String) -> Bool {
        patterns.contains(where: \.exception)
    }

    /// The pattern as a regular expression over a whole path.
    static func regex(for pattern: String) -> String {
        var regex = ""
        var characters = Array(pattern)[...]
        var inClass = false
        while let character = characters.popFirst() {
            if inClass {
                if character == "]" { inClass = false }
                if character == "\\", let next = characters.popFirst() {
                    regex += "\\" + String(next)
                } else {
                    regex.append(character)
                }
                continue
            }
            switch character {
            case "*" where characters.first == "*":
                characters.removeFirst()
                if characters.first == "/" { characters.removeFirst() }
                regex += characters.isEmpty ? ".*" : "(.*/)?"
            case "*":
                regex += "[^/]*"
            case "?":
                regex += "[^/]"
            case "[":
                inClass = true
                regex += "["
                if characters.first == "!" || characters.first == "^" {
                    characters.removeFirst()
                    regex += "^"
                }
            case "\\":
                if let next = characters.popFirst() { regex += escaped(next) } else { regex += "\\\\" }
            default:
                regex += escaped(character)
            }
        }
        return "^" + regex + "$"
    }

    private static func escaped(_ character: Character) -> String {
        character.isLetter || character.isNumber || character == "/" || character == "_" || character == "-"
            ? String(character) : "\\" + String(character)
    }

    /// `filepath.Clean`: no empty or `.` components, `..` resolved lexically, no trailing `/`.
    static func clean(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append(part) }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
