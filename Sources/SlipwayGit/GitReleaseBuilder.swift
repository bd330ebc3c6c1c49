import Foundation
import Glibc
import Logging
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

/// Builds releases from git: `export` resolves a ref and exports that commit with `git archive`
/// (never the user's work tree) into `<releasesDirectory>/<service>/.tmp-<id>`; `build` runs the
/// service's `build` there; `publish` moves it to `<releasesDirectory>/<service>/<id>` with one
/// rename, so a release directory only ever exists complete.
package struct GitReleaseBuilder: ReleaseBuilder {
    let repository: GitRepository
    let layout: ReleaseLayout
    let logger: Logger
    let now: @Sendable () -> Date
    /// The daemon's environment, the base of a build's (with the stage mark when one is given).
    let environment: [String: String]
    /// Hides secrets in a build's output as it is read, before it is cut into lines.
    let redactor: Redactor
    /// For exporting a commit (`git archive`, `tar -x`).
    static let exportTimeout: Duration = .seconds(600)

    /// `stageMarker`: the state directory, set in every build's environment (`StageMarker`) so a
    /// later daemon can kill a build this one leaves running when it dies.
    package init(repository: String, releasesDirectory: String, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init, stageMarker: String? = nil, redactor: Redactor = Redactor()) {
        var base = ProcessInfo.processInfo.environment
        base[StageMarker.variable] = stageMarker
        let path = repository.hasPrefix("/") ? repository : FileManager.default.currentDirectoryPath + "/" + repository
        self.repository = GitRepository(path: (path as NSString).standardizingPath,
                                        environment: GitRepository.environment(from: base),
                                        timeout: Self.exportTimeout)
        self.layout = ReleaseLayout(root: releasesDirectory)
        self.logger = logger
        self.now = now
        self.environment = base
        self.redactor = redactor
    }

    package func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let createdAt = now()
        guard let commit = try await repository.resolveCommit(ref) else {
            throw SlipwayError(.refNotFound, "ref \"\(ref)\" does not resolve to a commit in \(repository.path)",
                               context: ErrorContext(service: service.name))
        }
        let version = VersionLabel.choose(ref: ref, commit: commit, tags: try await repository.tags(pointingAt: commit))
        log("\(ref) is commit \(commit), version \(version)")
        if ref == "HEAD", await repository.hasUncommittedChanges() {
            let warning = "warning: the work tree of \(repository.path) has uncommitted changes; they are not part of "
                + "this release, which is commit \(commit.prefix(VersionLabel.shortCommitLength)) as committed"
            log(warning)
            logger.warning("\(warning)", metadata: ["service": "\(service.name)"])
        }

        let (id, staging) = try layout.reserve(service: service.name, id: Identifiers.releaseID(at: createdAt, commit: commit))
        var release = Release(id: id, service: service.name, ref: ref, commit: commit, version: version,
                              directory: layout.directory(service: service.name, id: id), createdAt: createdAt, buildSeconds: 0)
        release.key = service.key
        do {
            try await export(release, into: staging)
        } catch {
            await removeStaging(staging)
            throw error
        }
        log("exported commit \(commit.prefix(VersionLabel.shortCommitLength)) as release \(id)")
        return StagedRelease(release: release, directory: staging)
    }

    package func build(_ staged: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        var built = staged
        let directory = try stagingDirectory(of: staged)
        do {
            if let build = service.build {
                built.release.buildSeconds = try await runBuild(build, of: staged.release, service: service, in: directory, log: log)
            } else {
                log("no build command: the release is the exported commit")
            }
            if let site = service.staticSite { try await prepareSite(site, of: service, in: directory, log: log) }
        } catch {
            await removeStaging(directory)
            throw error
        }
        return built
    }

    package func publish(_ staged: StagedRelease) async throws -> Release {
        let staging = try stagingDirectory(of: staged)
        var release = staged.release
        // A promoted release carries its digest already (checked when it was copied).
        if release.artifact == nil { release.artifact = try await BlockingIO.run { try TreeDigest.sha256(of: staging) } }
        try layout.publish(staging, as: release.directory)
        logger.info("prepared release \(release.id) (\(release.version))", metadata: ["service": "\(release.service)"])
        return release
    }

    package func promote(_ release: Release, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let createdAt = now()
        let (id, staging) = try layout.reserve(service: service.name, id: Identifiers.releaseID(at: createdAt, commit: release.commit))
        var copy = Release(id: id, service: service.name, ref: release.ref, commit: release.commit, version: release.version,
                           directory: layout.directory(service: service.name, id: id), createdAt: createdAt,
                           buildSeconds: release.buildSeconds, image: release.image)
        copy.key = service.key
        do {
            let source = release.directory
            let expected = try await BlockingIO.run { try release.artifact ?? TreeDigest.sha256(of: source) }
            // A copy, not hard links: a release may write into its own directory, and what one
            // environment's process writes must not change another's files.
            let copying = Command(executable: "cp", arguments: ["-a", "--reflink=auto", "--", source + "/.", staging],
                                  environment: repository.environment, directory: staging, timeout: .seconds(600))
            let outcome = try await copying.run()
            guard outcome.succeeded else {
                throw SlipwayError(.buildFailed, "copying release \(release.id) failed: \(outcome.summary(timeout: copying.timeout)): "
                                   + outcome.errorText.suffix(400))
            }
            let copied = try await BlockingIO.run { try TreeDigest.sha256(of: staging) }
            guard copied == expected else {
                throw SlipwayError(.buildFailed, "the copy of release \(release.id) is not the same artifact: digest \(copied), "
                                   + "expected \(expected) (was its directory changed since it was built?)")
            }
            copy.artifact = copied
            log("copied release \(release.id) of \(release.key) as release \(id): the same artifact, \(copied)")
        } catch {
            await removeStaging(staging)
            throw error
        }
        return StagedRelease(release: copy, directory: staging)
    }

    package func discard(_ staged: StagedRelease) async {
        guard let staging = try? stagingDirectory(of: staged) else { return }
        await removeStaging(staging)
    }

    /// The staging directory of an exported release, recomputed from its service and id rather than
    /// taken from the value, so a wrong path can never be built in or deleted.
    func stagingDirectory(of exported: StagedRelease) throws -> String {
        let staging = layout.staging(service: exported.release.service, id: exported.release.id)
        guard exported.directory == staging else {
            throw SlipwayError(.badRequest, "\(exported.directory) is not the staging directory of release \(exported.release.id)",
                               context: ErrorContext(service: exported.release.service))
        }
        return staging
    }

    func removeStaging(_ staging: String) async {
        _ = try? await BlockingIO.run { try FileManager.default.removeItem(atPath: staging) }
    }

    package func remove(_ release: Release) async throws {
        guard let directory = try layout.removableDirectory(release) else { return }
        // Renamed first, so a half-deleted tree never sits under a release's name.
        let doomed = (directory as NSString).deletingLastPathComponent + "/.removing-\(release.id)-\(UUID().uuidString.prefix(8))"
        guard rename(directory, doomed) == 0 else {
            throw SlipwayError(.internalError, "cannot remove \(directory): \(String(cString: strerror(errno)))",
                               context: ErrorContext(service: release.service))
        }
        try await BlockingIO.run { try FileManager.default.removeItem(atPath: doomed) }
        logger.info("removed release \(release.id)", metadata: ["service": "\(release.service)"])
    }
}
