import Foundation

/// A built release of one service: a commit exported into its own directory and built there.
package struct Release: Sendable, Equatable, Codable, Identifiable, KeyedByService {
    /// `<yyyyMMddHHmmss>-<short commit>`, unique per service; sorts by creation time.
    package var id: String
    package var service: String
    /// Nil in the default environment: see `key`.
    package var environment: String?
    /// The ref the user asked for (`v2`, `HEAD`, `main`).
    package var ref: String
    /// Full commit hash.
    package var commit: String
    /// The tag when the commit is exactly on one, else the short commit.
    package var version: String
    package var directory: String
    package var createdAt: Date
    /// Seconds the `build` command took (0 without one).
    package var buildSeconds: Double
    /// The container image's id (`sha256:…`) for a service with `runtime: docker`: what every
    /// container of this release runs, so a rollback or a promotion runs exactly the same bits.
    package var image: String?
    /// `sha256:` of the release's files as published (`TreeDigest`): the artifact a promotion must
    /// carry unchanged; nil for a release published before digests were recorded.
    package var artifact: String?

    package init(id: String, service: String, ref: String, commit: String, version: String,
                directory: String, createdAt: Date, buildSeconds: Double, image: String? = nil) {
        self.id = id
        self.service = service
        self.ref = ref
        self.commit = commit
        self.version = version
        self.directory = directory
        self.createdAt = createdAt
        self.buildSeconds = buildSeconds
        self.image = image
    }
}

/// A running copy of a release as the runtime started it: enough to find it again after a restart.
package struct Instance: Sendable, Equatable, Hashable, Codable, KeyedByService {
    package var service: String
    /// Nil in the default environment: see `key`.
    package var environment: String?
    package var releaseID: String
    package var pid: Int32
    package var port: Int
    /// The process's start time as the kernel records it (`/proc/PID/stat` field 22),
    /// so a recycled pid is never mistaken for our process.
    package var startToken: UInt64
    package var logFile: String
    /// The container's id when the instance is a container (`runtime: docker`); its `pid` is then the
    /// container's main process as the engine reports it, for display only, and `startToken` is 0.
    package var containerID: String?
    /// Set when the instance is a static site's release: no process (pid and port 0), the proxy
    /// serves these files.
    package var site: StaticSite?

    package init(service: String, releaseID: String, pid: Int32, port: Int, startToken: UInt64, logFile: String,
                containerID: String? = nil, site: StaticSite? = nil) {
        self.service = service
        self.releaseID = releaseID
        self.pid = pid
        self.port = port
        self.startToken = startToken
        self.logFile = logFile
        self.containerID = containerID
        self.site = site
    }

    package var upstream: Upstream { Upstream(host: "127.0.0.1", port: port, releaseID: releaseID, site: site) }
}

/// Where the proxy sends a service's requests.
package struct Upstream: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var releaseID: String
    /// Set: the proxy answers from these files itself and `host`/`port` are unused.
    package var site: StaticSite?

    package init(host: String, port: Int, releaseID: String, site: StaticSite? = nil) {
        self.host = host
        self.port = port
        self.releaseID = releaseID
        self.site = site
    }

    package var description: String { site.map { "files at \($0.root)" } ?? "\(host):\(port)" }
}
