import Glibc
import SlipwayModel

extension GitReleaseBuilder {
    /// `git archive` writes the commit's tree to a tar file beside the staging directory, then
    /// `tar` extracts it: two argument vectors, no shell pipeline for a ref to inject into.
    func export(_ release: Release, into staging: String) async throws {
        let tarball = staging + ".tar"
        defer { unlink(tarball) }
        do {
            try await repository.archive(release.commit, to: tarball)
        } catch let error as SlipwayError {
            throw SlipwayError(.buildFailed, "export of \(release.service) at \(release.version) failed: \(error.message)",
                               context: ErrorContext(service: release.service))
        }
        let extract = Command(executable: "tar", arguments: ["-x", "--no-same-owner", "-f", tarball, "-C", staging],
                              environment: environment, directory: staging, timeout: Self.exportTimeout)
        let outcome: Command.Outcome
        do {
            outcome = try await extract.run()
        } catch let error as CommandError {
            throw SlipwayError(.buildFailed, "export of \(release.service) at \(release.version) failed: \(error)",
                               context: ErrorContext(service: release.service))
        }
        guard outcome.succeeded else {
            throw SlipwayError(.buildFailed, "export of \(release.service) at \(release.version) failed: tar "
                               + "\(outcome.summary(timeout: Self.exportTimeout)): \(outcome.errorText)",
                               context: ErrorContext(service: release.service))
        }
    }
}
