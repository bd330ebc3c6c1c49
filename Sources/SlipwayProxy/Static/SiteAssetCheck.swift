import Foundation
import SlipwayModel

/// Whether a release of a static site is whole: its entry page exists, and every local file the
/// entry page and the 404 page load (`PageReferences`) is in it. A build that dropped a hashed
/// bundle, or a `root:` pointing at the wrong folder, fails here instead of serving a blank page.
/// Pure over the file system; run by `StaticSiteRuntime.start` and by the health probe.
enum SiteAssetCheck {
    struct Missing: Equatable {
        /// The page, relative to the site's root (`index.html`).
        var page: String
        /// As the page writes it.
        var reference: String
        /// Relative to the site's root, resolved; nil when the reference leads outside the site.
        var path: String?
    }

    /// Every reference that is not a file of the site; the entry page's own absence is one too
    /// (`reference` is then the entry's name, `page` empty).
    /// - Parameter routePrefix: the route's path; a reference starting with it (`/app/assets/x.js`
    ///   under route `/app`) is to the site's own `assets/x.js`. nil when unknown (the health probe
    ///   has only the upstream): a root-relative reference is then found as written or without its
    ///   first segment.
    static func missing(in site: StaticSite, routePrefix: String?) -> [Missing] {
        let entry = SiteLookup.relative(site.entry)
        guard isFile(site.root + "/" + entry) else {
            return [Missing(page: "", reference: entry, path: entry)]
        }
        var missing: [Missing] = []
        var pages = [entry]
        if let notFound = site.notFound.map(SiteLookup.relative), notFound != entry, isFile(site.root + "/" + notFound) {
            pages.append(notFound)
        }
        for page in pages {
            guard let html = try? String(contentsOfFile: site.root + "/" + page, encoding: .utf8) else { continue }
            for reference in Set(PageReferences.of(html)).sorted() {
                guard let candidates = resolve(reference, page: page, routePrefix: routePrefix) else { continue }
                guard let first = candidates.first else {
                    missing.append(Missing(page: page, reference: reference, path: nil))
                    continue
                }
                if !candidates.contains(where: { exists(site.root, $0) }) {
                    missing.append(Missing(page: page, reference: reference, path: first))
                }
            }
        }
        return missing
    }

    /// A failure message naming the first few missing files and the pages that want them; nil when whole.
    /// `rootName`: how the site's root is named to the user (`dist`).
    static func problem(in site: StaticSite, routePrefix: String?, rootName: String? = nil) -> String? {
        let missing = missing(in: site, routePrefix: routePrefix)
        guard !missing.isEmpty else { return nil }
        let root = rootName ?? (site.root as NSString).lastPathComponent
        func located(_ path: String) -> String { root.isEmpty || root == "." ? path : root + "/" + path }
        let shown = 5
        var lines = missing.prefix(shown).map { item -> String in
            if item.page.isEmpty { return "the entry page \(item.reference) is not in the release (\(located(item.reference)))" }
            guard let path = item.path else { return "\(item.page) references \(item.reference), which is outside the site" }
            return "\(item.page) references \(item.reference), which is not in the release (\(located(path)))"
        }
        if missing.count > shown { lines.append("and \(missing.count - shown) more") }
        return lines.joined(separator: "; ")
    }

    /// The paths (relative to the root) a reference may name: nil when it is not to a local file
    /// (a URL with a scheme, `//host`, a fragment, a template); empty when it leads outside the site.
    static func resolve(_ reference: String, page: String, routePrefix: String?) -> [String]? {
        var text = Substring(reference)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        guard !text.isEmpty, !reference.hasPrefix("//"), !reference.hasPrefix("#"), !hasScheme(reference),
              !["{{", "{%", "${", "<%", "[["].contains(where: { reference.contains($0) }),
              let decoded = SitePath.percentDecoded(text)
        else { return nil }
        if decoded.hasPrefix("/") {
            let prefix = routePrefix.map(RequestTarget.normalizedPrefix) ?? "/"
            if prefix != "/", RequestTarget.pathHasPrefix(Substring(decoded), prefix) {
                return normalized(String(decoded.dropFirst(prefix.count))).map { [$0] } ?? []
            }
            guard let asWritten = normalized(decoded) else { return [] }
            if routePrefix == nil, let slash = asWritten.firstIndex(of: "/") {
                return [asWritten, String(asWritten[asWritten.index(after: slash)...])]
            }
            return [asWritten]
        }
        let directory = page.contains("/") ? String(page[..<page.lastIndex(of: "/")!]) + "/" : ""
        return normalized(directory + decoded).map { [$0] } ?? []
    }

    /// `a/./b/../c` → `a/c`; nil when `..` climbs above the root.
    private static func normalized(_ path: String) -> String? {
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            if segment == "." { continue }
            if segment == ".." {
                guard segments.popLast() != nil else { return nil }
                continue
            }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }

    /// `scheme:` (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`): `https:`, `data:`, `mailto:`, `javascript:`.
    private static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), let first = reference.first, first.isLetter else { return false }
        return reference[..<colon].allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    private static func exists(_ root: String, _ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path.isEmpty ? root : root + "/" + path, isDirectory: &isDirectory)
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
