/// The parts of a request that routing looks at, read without allocating: routing runs on every request.
enum RequestTarget {
    /// The host of a `Host` header without its port: `Example.com:8080` → `Example.com`, `[::1]:8080` → `::1`.
    static func hostName(_ header: String) -> Substring {
        let utf8 = header.utf8
        if utf8.first == UInt8(ascii: "[") {
            guard let close = utf8.firstIndex(of: UInt8(ascii: "]")) else { return header[...] }
            return header[utf8.index(after: utf8.startIndex)..<close]
        }
        if let colon = utf8.firstIndex(of: UInt8(ascii: ":")) {
            return header[..<colon]
        }
        return header[...]
    }

    /// The path of a request target without its query or fragment: `/a/b?q=1` → `/a/b`.
    /// An absolute-form target (`http://host/a`) yields its path; an authority or `*` yields `/`.
    static func path(of uri: String) -> Substring {
        var path = uri[...]
        if path.utf8.first != UInt8(ascii: "/") {
            guard let scheme = path.range(of: "://") else { return "/" }
            let afterScheme = path[scheme.upperBound...]
            guard let slash = afterScheme.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "/" }
            path = afterScheme[slash...]
        }
        if let end = path.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            path = path[..<end]
        }
        return path
    }

    /// Whether `prefix` matches `path` on a segment boundary: `/api` matches `/api`, `/api/` and `/api/x`
    /// but not `/apix`; `/` matches every path.
    static func pathHasPrefix(_ path: Substring, _ prefix: String) -> Bool {
        let p = path.utf8
        let q = prefix.utf8
        guard p.count >= q.count else { return false }
        var i = p.startIndex
        for byte in q {
            if p[i] != byte { return false }
            i = p.index(after: i)
        }
        if i == p.endIndex || q.last == UInt8(ascii: "/") { return true }
        return p[i] == UInt8(ascii: "/")
    }

    /// ASCII case-insensitive equality; `b` must already be lowercase.
    static func equalsIgnoringCase(_ a: Substring, lowercased b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        for (c, d) in zip(x, y) where c != d {
            guard c >= UInt8(ascii: "A"), c <= UInt8(ascii: "Z"), c | 0x20 == d else { return false }
        }
        return true
    }

    /// A route's path prefix in the form matching expects: leading `/`, no trailing `/` except the root.
    static func normalizedPrefix(_ path: String) -> String {
        var prefix = path.hasPrefix("/") ? path : "/" + path
        while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix
    }
}
