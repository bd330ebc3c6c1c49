/// One environment of `slipway.yml` (`environments:`): the proxy listener its services are reached
/// on, which refs may reach it, and the gates a deployment into it passes. A file without
/// `environments:` has one, `default`, whose proxy is the top-level `proxy:` and which has no gate.
package struct EnvironmentConfig: Sendable, Equatable {
    package var name: String
    /// Its own listener: each environment runs its own proxy process.
    package var proxy: ProxyConfig
    /// A push to this branch deploys the services it changed here (hook and webhook).
    package var branch: String?
    /// Which refs a deployment into this environment may name; nil: any.
    package var tags: TagPolicy?
    /// Only a release that succeeded in that environment, as the same artifact.
    package var promoteFrom: String?
    /// Approvals a deployment waits for before it starts; nil: none.
    package var approvals: ApprovalPolicy?
    /// No start before this long after the request.
    package var waitTimer: Duration
    /// A request not approved by then expires; nil: never.
    package var approvalTimeout: Duration?
    /// A manual rollback after a deployment's finish plus this needs an admin's `--override`; nil: no limit.
    package var rollbackWindow: Duration?
    /// The path past a freeze (`--hotfix --reason`); nil: none.
    package var hotfix: HotfixPolicy?
    /// `secrets:`, absolute: a KEY=VALUE file resolving the services' `${VAR}` here before the project's own.
    package var secretsFile: String?

    package init(name: String, proxy: ProxyConfig = ProxyConfig(), branch: String? = nil, tags: TagPolicy? = nil,
                promoteFrom: String? = nil, approvals: ApprovalPolicy? = nil, waitTimer: Duration = .zero,
                approvalTimeout: Duration? = nil, rollbackWindow: Duration? = nil, hotfix: HotfixPolicy? = nil,
                secretsFile: String? = nil) {
        self.name = name
        self.proxy = proxy
        self.branch = branch
        self.tags = tags
        self.promoteFrom = promoteFrom
        self.approvals = approvals
        self.waitTimer = waitTimer
        self.approvalTimeout = approvalTimeout
        self.rollbackWindow = rollbackWindow
        self.hotfix = hotfix
        self.secretsFile = secretsFile
    }

    /// Whether this is the environment of a file without `environments:`.
    package var isDefault: Bool { name == ServiceKey.defaultEnvironment }
}

/// `tags: semver`: only a ref that is a tag `vMAJOR.MINOR.PATCH` (with `allow_prerelease`, also
/// `-rc.1` and the like) pointing at the commit.
package enum TagPolicy: Sendable, Equatable {
    case semver(allowPrerelease: Bool)
}

/// `approvals: 2` or `approvals: { required: 2, from: [bob, carol] }`.
package struct ApprovalPolicy: Sendable, Equatable {
    /// Distinct approvers needed, never the requester.
    package var required: Int
    /// Who may approve; nil: anyone with the approver role.
    package var from: [String]?

    package init(required: Int, from: [String]? = nil) {
        self.required = required
        self.from = from
    }
}

/// `hotfix: { approvals: 1 }`: a deployment with `--hotfix --reason` passes a freeze and needs this
/// many approvals instead of the environment's own.
package struct HotfixPolicy: Sendable, Equatable {
    package var approvals: Int

    package init(approvals: Int) {
        self.approvals = approvals
    }
}
