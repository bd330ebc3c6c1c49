import Foundation

/// A built release of one service: a commit exported into its own directory and built there.
public struct Release: Sendable, Equatable, Codable, Identifiable {
    /// `<yyyyMMddHHmmss>-<short commit>`, unique per service; sorts by creation time.
    public var id: String
    public var service: String
    /// The ref the user asked for (`v2`, `HEAD`, `main`).
    public var ref: String
    /// Full commit hash.
    public var commit: String
    /// The tag when the commit is exactly on one, else the short commit.
    public var version: String
    public var directory: String
    public var createdAt: Date
    /// Seconds the `build` command took (0 without one).
    public var buildSeconds: Double
    /// The container image's id (`sha256:…`) for a service with `runtime: docker`: what every
    /// container of this release runs, so a rollback or a promotion runs exactly the same bits.
    public var image: String?

    public init(id: String, service: String, ref: String, commit: String, version: String,
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
public struct Instance: Sendable, Equatable, Hashable, Codable {
    public var service: String
    public var releaseID: String
    public var pid: Int32
    public var port: Int
    /// The process's start time as the kernel records it (`/proc/PID/stat` field 22),
    /// so a recycled pid is never mistaken for our process.
    public var startToken: UInt64
    public var logFile: String
    /// The container's id when the instance is a container (`runtime: docker`); its `pid` is then the
    /// container's main process as the engine reports it, for display only, and `startToken` is 0.
    public var containerID: String?

    public init(service: String, releaseID: String, pid: Int32, port: Int, startToken: UInt64, logFile: String,
                containerID: String? = nil) {
        self.service = service
        self.releaseID = releaseID
        self.pid = pid
        self.port = port
        self.startToken = startToken
        self.logFile = logFile
        self.containerID = containerID
    }

    public var upstream: Upstream { Upstream(host: "127.0.0.1", port: port, releaseID: releaseID) }
}

/// Where the proxy sends a service's requests.
public struct Upstream: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var releaseID: String

    public init(host: String, port: Int, releaseID: String) {
        self.host = host
        self.port = port
        self.releaseID = releaseID
    }

    public var description: String { "\(host):\(port)" }
}
