/// A trigger path in gitignore's glob syntax, matched against repository-relative file paths:
/// `*` any run within one segment, `?` one character, `[abc]` a class, `**` any number of whole
/// segments (`services/api/**`, `**/*.sql`), a trailing `/` a directory and all below it, and a
/// pattern without a `/` (but a trailing one) matching a name at any depth, as gitignore does.
package struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    private let segments: [String]

    package init(_ text: String) {
        self.text = text
        var pattern = text
        var directory = false
        if pattern.hasSuffix("/") {
            pattern.removeLast()
            directory = true
        }
        if pattern.hasPrefix("/") {
            pattern.removeFirst()
        } else if !pattern.contains("/") {
            pattern = "**/" + pattern
        }
        var segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if directory { segments.append("**") }
        self.segments = segments
    }

    package var description: String { text }

    package func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // A pattern naming a directory matches everything below it (`services/api` covers its files).
        return Self.match(segments[...], parts[...]) || Self.match(segments[...] + ["**"], parts[...])
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return !path.isEmpty }
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let segment = path.first, glob(Array(first.utf8)[...], Array(segment.utf8)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// One segment: `*`, `?`, `[...]` (with `!` or `^` negation and ranges), literal otherwise.
    private static func glob(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let p = pattern.first else { return name.isEmpty }
        switch p {
        case UInt8(ascii: "*"):
            var rest = name
            while true {
                if glob(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !name.isEmpty && glob(pattern.dropFirst(), name.dropFirst())
        case UInt8(ascii: "["):
            guard let c = name.first, let close = pattern.dropFirst().firstIndex(of: UInt8(ascii: "]")) else {
                return name.first == p && glob(pattern.dropFirst(), name.dropFirst())
            }
            var set = pattern[(pattern.startIndex + 1)..<close]
            var negate = false
            if let f = set.first, f == UInt8(ascii: "!") || f == UInt8(ascii: "^") {
                negate = true
                set = set.dropFirst()
            }
            var found = false
            var index = set.startIndex
            while index < set.endIndex {
                let low = set[index]
                if index + 2 < set.endIndex, set[index + 1] == UInt8(ascii: "-") {
                    if low <= c && c <= set[index + 2] { found = true }
                    index += 3
                } else {
                    if low == c { found = true }
                    index += 1
                }
            }
            return found != negate && glob(pattern[(close + 1)...], name.dropFirst())
        default:
            return name.first == p && glob(pattern.dropFirst(), name.dropFirst())
        }
    }
}
