/// What the proxy can route: a path prefix and an optional host name.
enum RouteRules {
    /// A path prefix: starts with `/`; no query or fragment (the proxy matches paths only) and no
    /// whitespace or control characters (they cannot arrive in a request line).
    static func isValidRoutePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.unicodeScalars.contains { $0 == "?" || $0 == "#" || isSpaceOrControl($0) }
    }

    /// A health check path: starts with `/` and may carry a query (`/health?full=1`), since it is requested as is.
    static func isValidRequestPath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.unicodeScalars.contains { $0 == "#" || isSpaceOrControl($0) }
    }

    /// The host name lowercased (the proxy compares Host headers case-insensitively), or nil when the text
    /// is not a host name: dot-separated labels of letters, digits and inner hyphens, at most 63 characters
    /// each and 253 in all. A scheme, a port or a path makes it invalid.
    static func normalizedHost(_ text: String) -> String? {
        let host = text.lowercased()
        guard !host.isEmpty, host.utf8.count <= 253 else { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let valid = labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
        return valid ? host : nil
    }

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
    }
}
