import Foundation
import SlipwayModel

/// A temporary directory holding a release directory and a log directory, removed at the end.
struct TestWorkspace: Sendable {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/slipway-runtime-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/release", withIntermediateDirectories: true)
    }

    var releaseDirectory: String { root + "/release" }
    var logDirectory: String { root + "/logs" }

    func release(id: String = "20260101000000-abcdef12", version: String = "v1") -> Release {
        Release(id: id, service: "web", ref: version, commit: "abcdef1234567890abcdef1234567890abcdef12",
                version: version, directory: releaseDirectory, createdAt: Date(), buildSeconds: 0)
    }

    /// Writes a file into the release directory.
    func write(_ name: String, _ contents: String) throws {
        try contents.write(toFile: releaseDirectory + "/" + name, atomically: true, encoding: .utf8)
    }

    func contents(_ name: String) -> String? {
        try? String(contentsOfFile: releaseDirectory + "/" + name, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
