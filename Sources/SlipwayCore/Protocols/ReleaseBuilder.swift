import SlipwayModel

/// Turns a ref into a built release directory.
public protocol ReleaseBuilder: Sendable {
    /// Resolves `ref` in the repository, exports that commit (not the work tree) into a new release
    /// directory, runs the service's `build` there with `log` receiving its output line by line.
    /// Throws `SlipwayError(.refNotFound)` or `SlipwayError(.buildFailed)`; a failed build leaves
    /// no release directory behind.
    func prepare(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> Release

    /// Deletes a release's directory (pruning).
    func remove(_ release: Release) async throws
}
