import Foundation
import SlipwayModel

/// What a push reported from elsewhere (the GitHub webhook) names, made present in the repository
/// holding `slipway.yml`: GitHub received the push, not this repository, so the commit (and a
/// pushed tag) is fetched from its `origin` remote when it is missing here.
package struct PushedObjects: Sendable {
    let repository: GitRepository

    package init(repository path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        repository = GitRepository(path: (absolute as NSString).standardizingPath,
                                   environment: GitRepository.environment(from: ProcessInfo.processInfo.environment),
                                   timeout: .seconds(60))
    }

    /// How the update's object came to be here.
    package enum Presence: Sendable, Equatable {
        case present
        case fetched
    }

    /// Makes the commit `update.after` present (and, for a tag, the tag naming it), fetching from
    /// `origin` what is missing.
    ///
    /// - Throws: `SlipwayError(.refNotFound)` when it is still missing after the fetch (no origin,
    ///   origin lacks it, the fetch failed: named), or when the tag here names another object than
    ///   the one pushed; `.badRequest` for a deleted ref or an id that is not one.
    package func ensurePresent(_ update: RefUpdate) async throws -> Presence {
        guard let after = update.after, RefUpdate.isObjectID(after) else {
            throw SlipwayError(.badRequest, "\(update.ref): the push names no object to deploy")
        }
        if let tag = update.tag {
            return try await ensureTag(tag, names: after, ref: update.ref)
        }
        if try await hasCommit(after) { return .present }
        var failures: [String] = []
        // The commit by id first (git's protocol v2 serves any id); the ref if origin refuses ids.
        for refspec in [after, update.ref] {
            if let failure = try await fetch(refspec) { failures.append(failure) }
            if try await hasCommit(after) { return .fetched }
        }
        throw missing("commit \(after) of \(update.ref)", failures)
    }

    private func ensureTag(_ tag: String, names object: String, ref: String) async throws -> Presence {
        var presence = Presence.present
        if try await !repository.isTag(tag) {
            let failure = try await fetch("\(ref):\(ref)")
            guard try await repository.isTag(tag) else { throw missing("the tag \(tag) (\(object))", failure.map { [$0] } ?? []) }
            presence = .fetched
        }
        let here = try await objectID(ref)
        guard here == object else {
            throw SlipwayError(.refNotFound, "the tag \(tag) names \(here ?? "nothing") in \(repository.path), but the push names \(object): "
                               + "a tag moved after it was fetched here is not moved again; delete it here (`git tag -d \(tag)`) to take the pushed one")
        }
        return presence
    }

    /// The branch checked out in the repository (what a webhook deploys without `environments:`).
    package func checkedOutBranch() async -> String? {
        guard let outcome = try? await repository.git(["symbolic-ref", "--quiet", "--short", "HEAD"]), outcome.succeeded else { return nil }
        let branch = outcome.outputText.trimmingTrailingNewlines
        return branch.isEmpty ? nil : branch
    }

    private func hasCommit(_ id: String) async throws -> Bool {
        try await repository.git(["cat-file", "-e", "\(id)^{commit}"]).succeeded
    }

    private func objectID(_ ref: String) async throws -> String? {
        let outcome = try await repository.git(["rev-parse", "--verify", "--quiet", ref])
        return outcome.succeeded ? outcome.outputText.trimmingTrailingNewlines : nil
    }

    /// Runs `git fetch origin REFSPEC`; nil when it succeeded, else what git said.
    private func fetch(_ refspec: String) async throws -> String? {
        guard !refspec.hasPrefix("-") else { return "refused to fetch \(refspec)" }
        let outcome = try await repository.git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "origin", refspec])
        guard !outcome.succeeded else { return nil }
        let said = outcome.errorText.isEmpty ? outcome.summary(timeout: repository.timeout) : outcome.errorText
        return "git fetch origin \(refspec): \(said.split(separator: "\n").prefix(3).joined(separator: " "))"
    }

    private func missing(_ what: String, _ failures: [String]) -> SlipwayError {
        SlipwayError(.refNotFound, "\(what) is not in the repository at \(repository.path), and fetching it from its origin remote "
                     + "did not bring it" + (failures.isEmpty ? "" : " (\(failures.joined(separator: "; ")))"))
    }
}
