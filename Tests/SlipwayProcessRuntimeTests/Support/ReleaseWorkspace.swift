import Foundation
import SlipwayModel
import SlipwayTestSupport

/// A temporary directory holding a release directory and a log directory, removed at the end.
struct ReleaseWorkspace: Sendable {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "slipway-runtime")
        try directory.makeDirectory("release")
    }

    var root: String { directory.path }
    var releaseDirectory: String { directory.path("release") }
    var logDirectory: String { directory.path("logs") }

    func release(id: String = "20260101000000-abcdef12", version: String = "v1") -> Release {
        Release(id: id, service: "web", ref: version, commit: "abcdef1234567890abcdef1234567890abcdef12",
                version: version, directory: releaseDirectory, createdAt: Date(), buildSeconds: 0)
    }

    /// Writes a file into the release directory.
    func write(_ name: String, _ contents: String) throws {
        try directory.write("release/" + name, contents)
    }

    func remove() {
        directory.remove()
    }
}
