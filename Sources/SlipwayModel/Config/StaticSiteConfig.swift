/// `static:` of a service: the release is a folder of files the proxy serves itself, with no
/// process. The served directory is `root` inside the release directory.
package struct StaticSiteConfig: Sendable, Equatable {
    /// The folder, relative to the release directory, that is the site (`dist`, `build`).
    package var root: String
    /// The page every health check looks for and a directory's index (`index.html`).
    package var entry: String
    /// Unknown paths whose last segment has no file extension answer with the entry page
    /// (a single-page app's client-side routes).
    package var spa: Bool
    /// Response headers by path glob, in the order written; a later rule's header replaces an
    /// earlier one of the same name.
    package var headers: [StaticHeaderRule]
    /// A page under the root answered with 404 when nothing else is found.
    package var notFound: String?
    /// How long the previous release's files stay reachable by their exact path after a switch
    /// (a page loaded from it still fetches its hashed assets).
    package var retainAssets: Duration
    /// Make `.gz` (and `.br`, with a `brotli` program on the machine) siblings of compressible
    /// files at build time when the build did not.
    package var precompress: Bool

    package init(root: String = "dist", entry: String = "index.html", spa: Bool = false, headers: [StaticHeaderRule] = [],
                 notFound: String? = nil, retainAssets: Duration = .seconds(3600), precompress: Bool = true) {
        self.root = root
        self.entry = entry
        self.spa = spa
        self.headers = headers
        self.notFound = notFound
        self.retainAssets = retainAssets
        self.precompress = precompress
    }

    /// What the proxy needs to serve a release of this site from `directory` (the release's).
    package func site(releaseDirectory directory: String) -> StaticSite {
        // The decoder gives `root` without `./` or a trailing slash, and `.` for the release itself.
        let served = root == "." ? directory : directory + "/" + root
        return StaticSite(root: served, entry: entry, spa: spa, notFound: notFound, headers: headers,
                          retainAssetsSeconds: Int(retainAssets.components.seconds))
    }
}

/// `headers:` of a static site: one path glob and the headers of every file it matches.
/// `*` matches any run of characters, `/` included (Netlify's `_headers` splat): `/assets/*` is
/// everything under `/assets/`.
package struct StaticHeaderRule: Sendable, Equatable, Hashable, Codable {
    package var pattern: String
    package var fields: [HeaderField]

    package init(pattern: String, fields: [HeaderField]) {
        self.pattern = pattern
        self.fields = fields
    }
}

/// One header as written: name and value.
package struct HeaderField: Sendable, Equatable, Hashable, Codable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A release of a static site as the proxy serves it: the part of `Upstream` that says "files
/// here" instead of "an address". Carried with the instance (so recovery and the proxy's table
/// hold it) and compared whole: two releases are two sites.
package struct StaticSite: Sendable, Equatable, Hashable, Codable {
    /// The absolute directory served: the release directory joined with `static.root`.
    package var root: String
    package var entry: String
    package var spa: Bool
    package var notFound: String?
    package var headers: [StaticHeaderRule]
    /// `retain_assets`, whole seconds.
    package var retainAssetsSeconds: Int

    package init(root: String, entry: String = "index.html", spa: Bool = false, notFound: String? = nil,
                 headers: [StaticHeaderRule] = [], retainAssetsSeconds: Int = 3600) {
        self.root = root
        self.entry = entry
        self.spa = spa
        self.notFound = notFound
        self.headers = headers
        self.retainAssetsSeconds = retainAssetsSeconds
    }
}

/// One `publish:` step of a static site, run in order after the switch (and its smoke tests):
/// a command (an upload to a bucket or CDN) or an HTTP request (a CDN purge). A step that fails
/// fails the deployment, which is rolled back (exit 4).
package struct PublishStep: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// Run in the release directory with `SLIPWAY_STATIC_ROOT`, `SLIPWAY_RELEASE` and the
        /// service's secrets in its environment; passes when it exits 0.
        case command(String)
        /// Passes on a 2xx answer. `${VAR}` in the URL and header values is expanded from the
        /// environment and the secrets when the step runs, and redacted wherever it is shown.
        case purge(url: String, method: String, headers: [HeaderField])
    }

    package var kind: Kind
    package var timeout: Duration
    /// A purge's texts as written (`Bearer ${CDN_TOKEN}`) → as the step sends them, their
    /// variables expanded when the file was loaded. Kept apart so that the step's name, which
    /// records and messages show, never holds a token; every value brought in is a secret.
    package var expanded: [String: String] = [:]

    package init(kind: Kind, timeout: Duration = .seconds(300)) {
        self.kind = kind
        self.timeout = timeout
    }

    /// `text` as the step sends it.
    package func sent(_ text: String) -> String { expanded[text] ?? text }

    /// How records and messages name the step (the command, or `purge POST https://…`).
    package var name: String {
        switch kind {
        case .command(let command): command
        case .purge(let url, let method, _): "purge \(method) \(url)"
        }
    }
}
