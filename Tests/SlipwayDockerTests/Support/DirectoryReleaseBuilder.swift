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

    func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let commit = (0..<40).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
        let now = Date()
        let id = Identifiers.releaseID(at: now, commit: commit)
        let directory = releasesRoot + "/" + service.name + "/" + id
        try FileManager.default.createDirectory(atPath: releasesRoot + "/" + service.name, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: project, toPath: directory)
        log("exported \(ref) into \(directory)")
        let release = Release(id: id, service: service.name, ref: ref, commit: commit, version: ref, directory: directory,
                              createdAt: now, buildSeconds: 0)
        // Copied straight to its final directory: these tests do not stage.
        return StagedRelease(release: release, directory: directory)
    }

    func build(_ staged: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        staged
    }

    func publish(_ staged: StagedRelease) async throws -> Release {
        staged.release
    }

    /// A copy of the release's directory, as a new release of `service` (its environment).
    func promote(_ release: Release, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let now = Date()
        let id = Identifiers.releaseID(at: now, commit: release.commit)
        let directory = releasesRoot + "/" + service.name + "/" + id
        try FileManager.default.copyItem(atPath: release.directory, toPath: directory)
        var copy = release
        copy.id = id
        copy.directory = directory
        copy.createdAt = now
        copy.key = service.key
        return StagedRelease(release: copy, directory: directory)
    }

    func discard(_ staged: StagedRelease) async {
        try? FileManager.default.removeItem(atPath: staged.directory)
        removedIDs.withLock { $0.append(staged.release.id) }
    }

    func remove(_ release: Release) async throws {
        try? FileManager.default.removeItem(atPath: release.directory)
        removedIDs.withLock { $0.append(release.id) }
    }
}
