import Foundation

/// One deployment (or rollback) of one service, as recorded and reported.
public struct Deployment: Sendable, Equatable, Codable, Identifiable {
    public enum Kind: String, Sendable, Codable {
        case deploy
        case rollback
        /// Started by the controller when a live release failed its health watch.
        case automaticRollback = "automatic_rollback"
    }

    public enum Outcome: String, Sendable, Codable {
        case running
        case succeeded
        case failed
        /// Switched, then rolled back (post-switch health failure).
        case rolledBack = "rolled_back"
        /// The daemon stopped while it ran; found and closed at the next start.
        case interrupted
    }

    public var id: String
    public var kind: Kind
    public var service: String
    public var ref: String?
    /// The release that served before; nil on a first deploy.
    public var fromRelease: String?
    /// The release being deployed; nil until it is built.
    public var toRelease: String?
    public var version: String?
    public var commit: String?
    /// The container image id of `toRelease` (Docker services): what a later environment must run.
    public var image: String?
    /// Who started it: the OS user of the CLI, or `slipway` for automatic actions.
    public var actor: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome
    public var exitCode: ExitStatus?
    public var message: String?
    public var stages: [StageRecord]
    /// The instance started for `toRelease`, so a deployment interrupted by a daemon crash can be cleaned up.
    public var instance: Instance?
    /// Every notification sent about this deployment and whether it arrived.
    public var notifications: [NotificationDelivery] = []
    /// How it was started: `changed` (a `deploy --changed` run), `push`; nil for a single deploy.
    public var trigger: Trigger?
    /// The id of the verified backup taken before this deployment's migrations.
    public var backup: String?
    /// The migrations this deployment applied, in order (`V2__add_employee_timezone.sql`).
    public var migrations: [String] = []
    /// Until when a manual rollback of this deployment is expected (60 minutes after its success).
    public var rollbackDeadline: Date?

    public init(id: String, kind: Kind, service: String, ref: String? = nil, fromRelease: String? = nil,
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

    public var durationSeconds: Double? {
        finishedAt.map { $0.timeIntervalSince(startedAt) }
    }
}

/// One stage of a deployment: build, start, health, switch, drain, stop, prune, rollback.
public struct StageRecord: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case running
        case succeeded
        case failed
        case skipped
        /// Stopped before its end because a stage running beside it failed (a build when the migration failed).
        case cancelled
    }

    public var name: Stage
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome
    public var message: String?

    public init(name: Stage, startedAt: Date, finishedAt: Date? = nil, outcome: Outcome = .running, message: String? = nil) {
        self.name = name
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.message = message
    }
}

/// A line of the append-only audit trail.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var action: AuditAction
    public var service: String?
    public var deployment: String?
    public var detail: String

    public init(sequence: Int64 = 0, at: Date, actor: String, action: AuditAction, service: String? = nil,
                deployment: String? = nil, detail: String) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.service = service
        self.deployment = deployment
        self.detail = detail
    }
}
