/// Host names as TLS matches them (RFC 6125 §6.4.3, as browsers apply it): case-insensitive, one
/// wildcard only as the whole leftmost label, covering exactly one label (`*.example.com` covers
/// `www.example.com`, not `example.com` nor `a.b.example.com`).
package enum HostNames {
    package static func matches(_ pattern: String, _ host: String) -> Bool {
        let pattern = normalized(pattern)
        let host = normalized(host)
        guard pattern.hasPrefix("*.") else { return pattern == host }
        let suffix = pattern.dropFirst(1)  // ".example.com"
        guard host.hasSuffix(suffix) else { return false }
        let label = host.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".") && suffix.count > 1
    }

    /// Lowercased, without a trailing dot (`Example.COM.` is `example.com`).
    package static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
