import Foundation
import SlipwayCore
import SlipwayModel
import Synchronization

/// The inner builder of these tests, in place of git: copies a project directory into a new
/// release directory; the ref is the release's version.
final class DirectoryReleaseBuilder: ReleaseBuilder {
    let project: String
    let releasesRoot: String
    private let removedIDs = Mutex<[String]>([])

    init(project: String, releasesRoot: String) {
        self.project = project
        self.releasesRoot = releasesRoot
    }

    var removed: [String] { removedIDs.withLock { $0 } }

    func prepare(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> Release {
        let commit = (0..<40).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
        let now = Date()
        let id = Identifiers.releaseID(at: now, commit: commit)
        let directory = releasesRoot + "/" + service.name + "/" + id
        try FileManager.default.createDirectory(atPath: releasesRoot + "/" + service.name, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: project, toPath: directory)
        log("exported \(ref) into \(directory)")
        return Release(id: id, service: service.name, ref: ref, commit: commit, version: ref, directory: directory,
                       createdAt: now, buildSeconds: 0)
    }

    func remove(_ release: Release) async throws {
        try? FileManager.default.removeItem(atPath: release.directory)
        removedIDs.withLock { $0.append(release.id) }
    }
}
