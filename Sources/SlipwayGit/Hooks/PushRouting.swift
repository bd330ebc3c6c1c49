import SlipwayCore
import SlipwayModel

/// Where a pushed ref deploys, with `environments:` (issue 14, "Triggers by environment"): the
/// one rule the post-receive hook and the GitHub webhook share.
///
/// - A branch deploys the services its range changed into each environment whose `branch` it is.
/// - A tag deploys into each environment whose `tags` policy accepts it (an environment without
///   `tags:` is reached by its branch only: every tag of the repository is not a release), as a
///   run from each service's last deployed commit there, so the first tag deploys every service.
///   An environment with approvals then records the deployments pending.
/// - A deleted ref, or a ref no environment takes, deploys nothing, and `nothing` says why.
package enum PushRouting {
    package struct Routed: Sendable, Equatable {
        /// One run per environment, in the file's order of environments.
        package var runs: [RunRequest]
        /// Why nothing deploys, when `runs` is empty: `refs/heads/feature: no environment …`.
        package var nothing: String?
    }

    package static func route(_ update: RefUpdate, environments: [EnvironmentConfig], actor: String = "",
                              trigger: Trigger = .push) -> Routed {
        guard let after = update.after else {
            return Routed(runs: [], nothing: "\(update.ref) (deleted): nothing deployed")
        }
        if let branch = update.branch {
            let runs = environments.filter { $0.branch == branch }.map {
                RunRequest(from: update.before, to: after, environment: $0.name, actor: actor, trigger: trigger)
            }
            return Routed(runs: runs, nothing: runs.isEmpty
                          ? "\(update.ref): no environment deploys the branch \(branch) (`branch:` of environments), nothing deployed" : nil)
        }
        if let tag = update.tag {
            let runs = environments.filter { $0.accepts(tag: tag) }.map {
                // The tag by name: the environment's tag policy judges the run by the ref it names.
                RunRequest(from: nil, to: tag, environment: $0.name, actor: actor, trigger: trigger)
            }
            return Routed(runs: runs, nothing: runs.isEmpty
                          ? "\(update.ref): no environment takes the tag \(tag) (`tags:` of environments), nothing deployed" : nil)
        }
        return Routed(runs: [], nothing: "\(update.ref): not a branch or a tag, nothing deployed")
    }
}

extension EnvironmentConfig {
    /// Whether a pushed tag deploys here: only an environment with a tag policy takes tags.
    func accepts(tag: String) -> Bool {
        switch tags {
        case .semver(let allowPrerelease)?:
            SemanticVersionTag(tag).map { allowPrerelease || !$0.isPrerelease } ?? false
        case nil:
            false
        }
    }
}
