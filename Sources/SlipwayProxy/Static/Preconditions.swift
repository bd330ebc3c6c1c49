/// Conditional requests on a site's file (RFC 9110 §13.2.2): `If-None-Match` (weak comparison,
/// `*`, a list), else `If-Modified-Since`; `If-Range` decides whether a `Range` is honoured.
enum Preconditions {
    /// Whether the client's copy is current: answer 304.
    static func notModified(etag: String, modified: Int, ifNoneMatch: [Substring], ifModifiedSince: Substring?) -> Bool {
        if !ifNoneMatch.isEmpty {
            let mine = weak(etag)
            for value in ifNoneMatch {
                for tag in value.split(separator: ",") {
                    let tag = tag.trimmingWhitespace()
                    if tag == "*" || weak(tag) == mine { return true }
                }
            }
            return false
        }
        if let ifModifiedSince, let since = HTTPDate.parse(ifModifiedSince.trimmingWhitespace()) {
            return modified <= since
        }
        return false
    }

    /// Whether a `Range` may be served: no `If-Range`, or one that names this very representation
    /// (its strong ETag, or exactly its Last-Modified date).
    static func rangeApplies(etag: String, modified: Int, ifRange: Substring?) -> Bool {
        guard let ifRange = ifRange?.trimmingWhitespace() else { return true }
        if ifRange.hasPrefix("\"") || ifRange.hasPrefix("W/") { return ifRange == etag }
        return HTTPDate.parse(ifRange) == modified
    }

    private static func weak(_ tag: some StringProtocol) -> Substring {
        tag.hasPrefix("W/") ? Substring(tag).dropFirst(2) : Substring(tag)
    }
}
