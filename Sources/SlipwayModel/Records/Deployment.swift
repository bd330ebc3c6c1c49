import Foundation

/// One deployment (or rollback) of one service, as recorded and reported.
package struct Deployment: Sendable, Equatable, Codable, Identifiable, KeyedByService {
    package enum Kind: String, Sendable, Codable {
        case deploy
        case rollback
        /// Started by the controller when a live release failed its health watch.
        case automaticRollback = "automatic_rollback"
    }

    package enum Outcome: String, Sendable, Codable {
        case running
        case succeeded
        case failed
        /// Switched, then rolled back (post-switch health failure).
        case rolledBack = "rolled_back"
        /// The daemon stopped while it ran; found and closed at the next start.
        case interrupted
        /// Recorded, not started: it waits for approvals, its wait timer, or the end of a freeze.
        case pending
        /// An approver rejected it before it started.
        case rejected
        /// Not approved within the environment's `approval_timeout`.
        case expired

        /// Whether it has ended (a pending or running deployment has not).
        package var isFinal: Bool {
            switch self {
            case .running, .pending: false
            case .succeeded, .failed, .rolledBack, .interrupted, .rejected, .expired: true
            }
        }
    }

    package var id: String
    package var kind: Kind
    package var service: String
    /// Nil in the default environment (so such records read as they always have): see `key`.
    package var environment: String?
    package var ref: String?
    /// The release that served before; nil on a first deploy.
    package var fromRelease: String?
    /// The release being deployed; nil until it is built.
    package var toRelease: String?
    package var version: String?
    package var commit: String?
    /// The container image id of `toRelease` (Docker services): what a later environment must run.
    package var image: String?
    /// Who started it: the OS user of the CLI, or `slipway` for automatic actions.
    package var actor: String
    package var startedAt: Date
    package var finishedAt: Date?
    package var outcome: Outcome
    package var exitCode: ExitStatus?
    package var message: String?
    package var stages: [StageRecord]
    /// The instance started for `toRelease`, so a deployment interrupted by a daemon crash can be cleaned up.
    package var instance: Instance?
    /// Every notification sent about this deployment and whether it arrived.
    package var notifications: [NotificationDelivery] = []
    /// How it was started: `changed` (a `deploy --changed` run), `push`; nil for a single deploy.
    package var trigger: Trigger?
    /// The id of the verified backup taken before this deployment's migrations.
    package var backup: String?
    /// The migrations this deployment applied, in order (`V2__add_employee_timezone.sql`).
    package var migrations: [String] = []
    /// Until when a manual rollback of this deployment is allowed without an override: its success
    /// plus the environment's `rollback_window` (60 minutes, and not enforced, when it has none).
    package var rollbackDeadline: Date?
    /// A rollback past the rollback window: the reason the admin who overrode it gave.
    package var override: String?
    /// When it was asked for, if it had to wait (approvals, a wait timer): `startedAt` is when it started.
    package var requestedAt: Date?
    /// Distinct approvals it needs before it starts; nil when it needs none.
    package var approvalsRequired: Int?
    /// The approvals it got, in order; nil for a deployment that needed none (so records without
    /// approvals read and print as they always did).
    package var approvals: [Approval]?
    /// Who rejected it, when and why (`reason` in `comment`).
    package var rejection: Approval?
    /// No start before this (the environment's `wait_timer` after the request).
    package var notBefore: Date?
    /// Not approved by then: it expires (`approval_timeout`).
    package var expiresAt: Date?
    /// A hotfix (`--hotfix --reason`): the reason; it passes a freeze and needs the hotfix path's approvals.
    package var hotfix: String?
    /// Release notes: the subjects of the commits between the environment's previous release and
    /// this one (only those touching the service's `paths` when it has them), newest first.
    package var notes: [String]?
    /// A promotion: the deployment in the source environment whose release this one carries.
    package var promotedFrom: String?
    /// The digest of the release's files (`Release.artifact`): equal in every environment a
    /// release was promoted through.
    package var artifact: String?
    /// How the release replaced the serving one; nil: a switch (as every record before strategies).
    package var strategy: Strategy?
    /// A canary's or blue-green's steps, each with its figures and verdict.
    package var rollout: RolloutRecord?

    package init(id: String, kind: Kind, service: String, ref: String? = nil, fromRelease: String? = nil,
                toRelease: String? = nil, version: String? = nil, commit: String? = nil, actor: String,
                startedAt: Date, finishedAt: Date? = nil, outcome: Outcome = .running, exitCode: ExitStatus? = nil,
                message: String? = nil, stages: [StageRecord] = [], instance: Instance? = nil) {
        self.id = id
        self.kind = kind
        self.service = service
        self.ref = ref
        self.fromRelease = fromRelease
        self.toRelease = toRelease
        self.version = version
        self.commit = commit
        self.actor = actor
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.exitCode = exitCode
        self.message = message
        self.stages = stages
        self.instance = instance
    }

    /// `approvals`, none as an empty list.
    package var approvalsGiven: [Approval] { approvals ?? [] }

    package var durationSeconds: Double? {
        finishedAt.map { $0.timeIntervalSince(startedAt) }
    }
}

/// One stage of a deployment: build, start, health, switch, drain, stop, prune, rollback.
package struct StageRecord: Sendable, Equatable, Codable {
    package enum Outcome: String, Sendable, Codable {
        case running
        case succeeded
        case failed
        case skipped
        /// Stopped before its end because a stage running beside it failed (a build when the migration failed).
        case cancelled
    }

    package var name: Stage
    package var startedAt: Date
    package var finishedAt: Date?
    package var outcome: Outcome
    package var message: String?

    package init(name: Stage, startedAt: Date, finishedAt: Date? = nil, outcome: Outcome = .running, message: String? = nil) {
        self.name = name
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.message = message
    }
}

/// A line of the append-only audit trail.
package struct AuditEntry: Sendable, Equatable, Codable {
    package var sequence: Int64
    package var at: Date
    package var actor: String
    package var action: AuditAction
    package var service: String?
    /// Nil in the default environment, and for an entry about no service.
    package var environment: String?
    package var deployment: String?
    package var detail: String

    package init(sequence: Int64 = 0, at: Date, actor: String, action: AuditAction, service: String? = nil,
                deployment: String? = nil, detail: String) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.service = service
        self.deployment = deployment
        self.detail = detail
    }

    /// The service the entry is about, in its environment.
    package var key: ServiceKey? { service.map { ServiceKey(environment: environment, service: $0) } }
}
