import Foundation
import SlipwayModel

/// What an environment lets in (`environments:` in slipway.yml): no new deployment into a frozen
/// one, only refs its tag policy accepts, and no manual rollback past a deployment's rollback
/// window without an admin's override. Each rule refuses before any work, naming itself.
struct EnvironmentGates: Sendable {
    let deps: ControllerDependencies
    let environments: [EnvironmentConfig]

    func config(_ name: String) -> EnvironmentConfig? {
        environments.first { $0.name == name }
    }

    // MARK: freezes

    func freeze(_ request: FreezeRequest) async throws -> Freeze {
        guard config(request.environment) != nil else { throw unknownEnvironment(request.environment) }
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw SlipwayError(.badRequest, "a freeze needs a reason (--reason \"incident 4711\"): it is what everyone refused sees")
        }
        let freeze = Freeze(environment: request.environment, actor: request.actor, reason: reason, at: deps.now())
        try await deps.store.setFreeze(freeze)
        await audit(.environmentFrozen, environment: request.environment, actor: request.actor,
                    "froze \(request.environment): \(reason)")
        return freeze
    }

    func unfreeze(environment: String, actor: String) async throws {
        guard config(environment) != nil else { throw unknownEnvironment(environment) }
        guard let freeze = try await freeze(of: environment) else {
            throw SlipwayError(.badRequest, "\(environment) is not frozen")
        }
        try await deps.store.clearFreeze(environment: environment)
        await audit(.environmentUnfrozen, environment: environment, actor: actor,
                    "unfroze \(environment) (frozen by \(freeze.actor) since \(Self.time(freeze.at)): \(freeze.reason))")
    }

    func freezes() async throws -> [Freeze] {
        try await deps.store.freezes()
    }

    func freeze(of environment: String) async throws -> Freeze? {
        try await deps.store.freezes().first { $0.environment == environment }
    }

    // MARK: what a deployment must pass

    /// Refuses a deploy of `ref` into `environment` that the environment does not take now. A
    /// hotfix (with its reason) passes a freeze where the environment has a hotfix path.
    func admitDeploy(into environment: String, ref: String?, hotfix: Bool = false, reason: String? = nil) async throws {
        if hotfix {
            guard config(environment)?.hotfix != nil else {
                throw SlipwayError(.policyRefused, "\(environment) has no hotfix path (`hotfix:` in its environment): --hotfix is refused")
            }
            guard !(reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw SlipwayError(.badRequest, "--hotfix needs --reason: a hotfix is recorded with why")
            }
        }
        if !hotfix, let freeze = try await freeze(of: environment) {
            throw SlipwayError(.frozen, "\(environment) is frozen since \(Self.time(freeze.at)) by \(freeze.actor): \(freeze.reason); "
                               + "no deployment or promotion until `slipway unfreeze \(environment)` (rollbacks stay allowed)")
        }
        guard let ref, let policy = config(environment)?.tags else { return }
        try await admit(ref, policy: policy, environment: environment)
    }

    /// Refuses a promotion of `release` into `environment` that the environment does not take now:
    /// a freeze (unless a hotfix passes it), and under `tags: semver` a commit no accepted tag names.
    func admitPromotion(into environment: String, release: Release, hotfix: Bool = false, reason: String? = nil) async throws {
        try await admitDeploy(into: environment, ref: nil, hotfix: hotfix, reason: reason)
        guard case .semver(let allowPrerelease)? = config(environment)?.tags, let changes = deps.changes else { return }
        let accepted = try await changes.tags(at: release.commit).filter { tag in
            SemanticVersionTag(tag).map { allowPrerelease || !$0.isPrerelease } == true
        }
        guard accepted.isEmpty else { return }
        throw SlipwayError(.policyRefused, "\(environment) accepts only commits tagged vMAJOR.MINOR.PATCH; release \(release.id) "
                           + "(\(release.version), commit \(release.commit.prefix(12))) has no such tag: tag the commit, then promote it")
    }

    /// `tags: semver`: the ref must be a tag `vMAJOR.MINOR.PATCH` (with `allow_prerelease`, also
    /// `-rc.1` and the like) that exists in the repository.
    private func admit(_ ref: String, policy: TagPolicy, environment: String) async throws {
        guard case .semver(let allowPrerelease) = policy else { return }
        let rule = "\(environment) accepts only tags vMAJOR.MINOR.PATCH" + (allowPrerelease ? " (pre-releases like v1.2.3-rc.1 too)" : "")
        guard SemanticVersionTag(ref).map({ allowPrerelease || !$0.isPrerelease }) == true else {
            throw SlipwayError(.policyRefused, "\(rule); \"\(ref)\" is not one")
        }
        guard let changes = deps.changes else { return }
        guard try await changes.isTag(ref) else {
            throw SlipwayError(.policyRefused, "\(rule); \"\(ref)\" has that form but no such tag exists in the repository")
        }
    }

    /// Refuses a manual rollback of `service` past the window of the deployment that made its
    /// release active, unless an admin overrides it with a reason. Returns what the override
    /// passed (for the audit trail), nil when the window was open.
    func admitRollback(_ service: ServiceKey, active: ActiveRelease?, override: Bool, reason: String?) async throws -> String? {
        if override && (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw SlipwayError(.badRequest, "--override needs --reason: an override is recorded with why")
        }
        guard config(service.environment)?.rollbackWindow != nil, let active else { return nil }
        let deployments = try await deps.store.deployments(service: service, limit: 200)
        guard let made = deployments.first(where: { $0.outcome == .succeeded && $0.toRelease == active.releaseID }),
              let deadline = made.rollbackDeadline, deps.now() > deadline else { return nil }
        guard override else {
            throw SlipwayError(.rollbackWindowClosed,
                               "the rollback window of \(service) closed at \(Self.time(deadline)) (deployment \(made.id)); "
                               + "an admin may roll back anyway with --override --reason TEXT",
                               context: ErrorContext(service: service.service, deployment: made.id))
        }
        return "rollback of \(service) past its rollback window (closed \(Self.time(deadline)), deployment \(made.id)): \(reason ?? "")"
    }

    /// The rollback window deployments into `environment` get (its own, else the default).
    func rollbackWindow(of environment: String) -> Duration {
        config(environment)?.rollbackWindow ?? deps.rollbackWindow
    }

    // MARK: helpers

    private func unknownEnvironment(_ name: String) -> SlipwayError {
        SlipwayError(.unknownService, "no environment named \"\(name)\" (environments: \(environments.map(\.name).joined(separator: ", ")))")
    }

    private func audit(_ action: AuditAction, environment: String, service: ServiceKey? = nil, actor: String, _ detail: String) async {
        var entry = AuditEntry(at: deps.now(), actor: actor, action: action, service: service?.service, detail: deps.redactor.redact(detail))
        entry.environment = environment == ServiceKey.defaultEnvironment ? nil : environment
        do {
            try await deps.store.appendAudit(entry)
        } catch {
            deps.logger.error("could not append to the audit trail", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// `v1.2.3`, `v1.2.3-rc.1`: the tags `tags: semver` accepts (SemVer 2.0 with a `v`, no build metadata).
package struct SemanticVersionTag: Equatable, Sendable {
    package var major: Int
    package var minor: Int
    package var patch: Int
    package var prerelease: String?

    package var isPrerelease: Bool { prerelease != nil }

    package init?(_ text: String) {
        guard text.hasPrefix("v") else { return nil }
        var rest = Substring(text.dropFirst())
        var prerelease: String?
        if let dash = rest.firstIndex(of: "-") {
            let tail = rest[rest.index(after: dash)...]
            let identifiers = tail.split(separator: ".", omittingEmptySubsequences: false)
            guard !tail.isEmpty, identifiers.allSatisfy({ identifier in
                !identifier.isEmpty && identifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    && !(identifier.allSatisfy(\.isNumber) && identifier.count > 1 && identifier.first == "0")
            }) else { return nil }
            prerelease = String(tail)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            // Digits only, no leading zero (SemVer §2).
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), part == "0" || part.first != "0",
                  let number = Int(part) else { return nil }
            numbers.append(number)
        }
        (major, minor, patch) = (numbers[0], numbers[1], numbers[2])
        self.prerelease = prerelease
    }
}
