import SlipwayModel

/// Turns a ref into a release, in steps the pipeline runs apart: `export` (the commit's files,
/// where checks and migrations read them), `build` (beside the database's backup and migrations,
/// in the same staging directory), `publish` once every stage before the start has passed.
package protocol ReleaseBuilder: Sendable {
    /// Resolves `ref` in the repository and exports that commit (not the work tree) into a staging
    /// directory. Throws `SlipwayError(.refNotFound)` or `SlipwayError(.buildFailed)` (the export
    /// failed); then nothing is left behind.
    func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease

    /// Runs the service's `build` in the staging directory, `log` receiving its output line by
    /// line; the release stays staged. Throws `SlipwayError(.buildFailed)` or `CancellationError`
    /// (its processes are killed); a build that did not succeed leaves nothing behind, the staging
    /// directory included.
    func build(_ staged: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease

    /// Makes a built release a release: its files move to `staged.release.directory` in one rename,
    /// with their digest recorded (`Release.artifact`).
    func publish(_ staged: StagedRelease) async throws -> Release

    /// A promotion: `release` (of the same service in another environment) copied, not exported or
    /// built, into a staging directory of `service`'s environment, as a new release with the same
    /// commit, version, image and artifact. Throws `SlipwayError(.buildFailed)` when the copy's
    /// digest differs from the release's (then nothing is left behind).
    func promote(_ release: Release, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease

    /// Deletes a staged release that will not be published (its checks or migrations failed).
    func discard(_ staged: StagedRelease) async

    /// Deletes a release's directory (pruning).
    func remove(_ release: Release) async throws
}

extension ReleaseBuilder {
    /// Export, build, publish: a release ready to start.
    package func prepare(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> Release {
        let exported = try await export(service: service, ref: ref, log: log)
        let built = try await build(exported, service: service, log: log)
        do {
            return try await publish(built)
        } catch {
            await discard(built)
            throw error
        }
    }
}

/// A release being prepared: exported, perhaps built, not published yet.
package struct StagedRelease: Sendable, Equatable {
    /// What the release will be once published: its id, version, commit, final directory, and once
    /// built its build time and image.
    package var release: Release
    /// Where its files are until `publish` moves them to `release.directory`.
    package var directory: String

    package init(release: Release, directory: String) {
        self.release = release
        self.directory = directory
    }

    /// The release as it is now: its files in the staging directory.
    package var inPlace: Release {
        var release = release
        release.directory = directory
        return release
    }
}
