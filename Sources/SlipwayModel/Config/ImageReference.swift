/// A container image reference as Docker reads one: `[registry[:port]/]path[:tag][@algorithm:hex]`,
/// with the grammar of distribution's `reference` package (lowercase path components separated by
/// `.`, `_`, `__` or dashes; tags of at most 128 word characters, dots and dashes).
package struct ImageReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Registry and path without tag or digest: `registry.example:5000/team/api`.
    package var repository: String
    package var tag: String?
    /// `sha256:<64 hex>`.
    package var digest: String?

    package init(repository: String, tag: String? = nil, digest: String? = nil) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Nil when `text` is not a valid reference.
    package init?(parsing text: String) {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = rest[rest.index(after: at)...]
            guard Self.isDigest(value) else { return nil }
            digest = String(value)
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let value = rest[rest.index(after: colon)...]
            guard Self.isTag(value) else { return nil }
            tag = String(value)
            rest = rest[..<colon]
        }
        guard !rest.isEmpty, rest.utf8.count <= 255, Self.isRepository(rest) else { return nil }
        self.init(repository: String(rest), tag: tag, digest: digest)
    }

    package var description: String {
        repository + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    private static func isRepository(_ text: Substring) -> Bool {
        var components = text.split(separator: "/", omittingEmptySubsequences: false)
        // As Docker decides: a first component with a dot or a port, or `localhost`, names a registry.
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" {
            guard isRegistry(first) else { return false }
            components.removeFirst()
        }
        return components.allSatisfy(isPathComponent)
    }

    private static func isRegistry(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return false }
        }
        let labels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { isAlphanumeric($0) || ("A"..."Z").contains($0) || $0 == "-" }
        }
    }

    /// `[a-z0-9]+` runs joined by one separator: `.`, `_`, `__` or any number of `-`.
    private static func isPathComponent(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              isAlphanumeric(first), isAlphanumeric(last) else { return false }
        var separator = ""
        for scalar in text.unicodeScalars {
            if isAlphanumeric(scalar) {
                guard ["", ".", "_", "__"].contains(separator) || separator.allSatisfy({ $0 == "-" }) else { return false }
                separator = ""
            } else if scalar == "." || scalar == "_" || scalar == "-" {
                separator.unicodeScalars.append(scalar)
            } else {
                return false
            }
        }
        return true
    }

    private static func isTag(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, (1...128).contains(text.unicodeScalars.count),
              isWord(first) else { return false }
        return text.unicodeScalars.allSatisfy { isWord($0) || $0 == "." || $0 == "-" }
    }

    private static func isDigest(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 32 else { return false }
        return parts[0].unicodeScalars.allSatisfy { isAlphanumeric($0) || "+._-".unicodeScalars.contains($0) }
            && parts[1].unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        isAlphanumeric(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }
}
