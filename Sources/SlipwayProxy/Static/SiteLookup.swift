import SlipwayModel

/// Which file answers a path of a static site, in order: the file itself; for a directory its
/// index (`/docs/` → `docs/index.html`) or, asked for without its slash, a redirect to it (never a
/// listing); the same exact file in another site of the service (the other releases it routes, and
/// the retired ones still retained), so a page of one release finds its hashed assets during and
/// after a switch; a single-page app's entry for a path whose last segment has no extension; the
/// `not_found` page; nothing.
enum SiteLookup {
    enum Outcome {
        /// `answeredPath`: the site path of the file that answers when it is not the one asked for
        /// (a directory's index), for header rules.
        case file(SiteFile, site: StaticSite, answeredPath: String?)
        /// A single-page app's entry for one of its client-side routes.
        case entryPage(SiteFile, site: StaticSite)
        /// A directory asked for without its trailing slash.
        case redirectToDirectory
        /// Nothing: the site's 404 page when it has one.
        case notFound(page: SiteFile?)
    }

    static func resolve(_ path: SitePath, site: StaticSite, others: () -> [StaticSite], files: SiteFiles) -> Outcome {
        switch files.entry(root: site.root, relative: path.relative) {
        case .file(let file) where !path.trailingSlash:
            return .file(file, site: site, answeredPath: nil)
        case .directory where !path.trailingSlash:
            return .redirectToDirectory
        case .directory:
            let index = path.relative.isEmpty ? relative(site.entry) : path.relative + "/" + relative(site.entry)
            if case .file(let file) = files.entry(root: site.root, relative: index) {
                return .file(file, site: site, answeredPath: "/" + index)
            }
        case .file, .missing:
            break
        }
        if !path.trailingSlash, !path.relative.isEmpty {
            for other in others() {
                if case .file(let file) = files.entry(root: other.root, relative: path.relative) {
                    return .file(file, site: other, answeredPath: nil)
                }
            }
        }
        if site.spa, !path.lastSegmentHasExtension, case .file(let entry) = files.entry(root: site.root, relative: relative(site.entry)) {
            return .entryPage(entry, site: site)
        }
        if let notFound = site.notFound, case .file(let page) = files.entry(root: site.root, relative: relative(notFound)) {
            return .notFound(page: page)
        }
        return .notFound(page: nil)
    }

    /// A configured page (`index.html`, `/404.html`) as a path relative to the root.
    static func relative(_ page: String) -> String {
        String(page.drop { $0 == "/" })
    }
}
