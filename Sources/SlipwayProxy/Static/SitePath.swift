/// A request's path inside a static site: the route's prefix stripped (alias semantics: route
/// `/app` and request `/app/assets/x.js` is the site's `assets/x.js`), percent-decoded, and
/// refused when it could name anything outside the site.
///
/// Refused (the caller answers 404, never a file): a `..` or `.` segment after decoding (so
/// `%2e%2e` and `..%2f` are caught too), NUL, a backslash, bytes that are not UTF-8, a malformed
/// escape, and any segment starting with `.` (dotfiles: `.git`, `.env`) except under
/// `/.well-known/`. Symlinks are the file cache's concern (`SiteFiles` resolves each file).
struct SitePath: Equatable {
    /// The segments joined by `/`, without a leading one: `assets/x.js`; empty for the site's root.
    var relative: String
    /// The request's path ended with `/` (a directory's index is asked for). False for a route's
    /// prefix asked for without its slash (`/app`): the site's root, redirected to `/app/`.
    var trailingSlash: Bool

    /// As the client asked for it relative to the site, decoded: `/assets/x.js`, `/docs/`, `/`.
    /// Header rules match this.
    var sitePath: String {
        if relative.isEmpty { return "/" }
        return trailingSlash ? "/" + relative + "/" : "/" + relative
    }

    /// The last segment has a file extension (`app.js`): a single-page app's client-side routes
    /// (`/users/42`) have none, so only those fall back to the entry page.
    var lastSegmentHasExtension: Bool {
        guard let last = relative.split(separator: "/").last else { return false }
        return last.contains(".")
    }

    /// nil: refused. `rawPath` is the request target's path (no query), `routePrefix` the matched
    /// route's normalized prefix (`/` or `/app`).
    static func parse(rawPath: Substring, routePrefix: String) -> SitePath? {
        var path = rawPath
        if routePrefix != "/" {
            guard path.utf8.count >= routePrefix.utf8.count else { return nil }
            path = path[path.utf8.index(path.startIndex, offsetBy: routePrefix.utf8.count)...]
        }
        // The usual path (`/assets/app.js`): nothing to decode, no dot segment, no empty one.
        if !path.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "\\") || $0 == 0 }),
           path.utf8.first == UInt8(ascii: "/"), !path.contains("/."), !path.contains("//") {
            let trailing = path.utf8.last == UInt8(ascii: "/")
            let inner = path.dropFirst().dropLast(trailing && path.utf8.count > 1 ? 1 : 0)
            return SitePath(relative: String(inner), trailingSlash: trailing)
        }
        guard let decoded = percentDecoded(path) else { return nil }
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." || segment == ".." { return nil }
            if segment.hasPrefix(".") && !(segments.isEmpty && segment == ".well-known") { return nil }
            segments.append(segment)
        }
        return SitePath(relative: segments.joined(separator: "/"), trailingSlash: decoded.hasSuffix("/"))
    }

    /// `%XX` decoded; nil for a malformed escape, NUL, a backslash or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            var value = byte
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                value = high << 4 | low
            }
            if value == 0 || value == UInt8(ascii: "\\") { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
