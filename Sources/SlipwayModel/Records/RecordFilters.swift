import Foundation

/// Which deployments a listing shows (the dashboard's history): every field that is set must
/// match; newest first, `limit` of them after skipping `offset`.
package struct DeploymentFilter: Sendable, Equatable {
    package var environment: String?
    package var service: String?
    package var outcome: Deployment.Outcome?
    package var actor: String?
    /// Started at or after.
    package var since: Date?
    /// Started before.
    package var until: Date?
    package var limit: Int
    package var offset: Int

    package init(environment: String? = nil, service: String? = nil, outcome: Deployment.Outcome? = nil, actor: String? = nil,
                 since: Date? = nil, until: Date? = nil, limit: Int = 50, offset: Int = 0) {
        self.environment = environment
        self.service = service
        self.outcome = outcome
        self.actor = actor
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// Which lines of the audit trail a page shows: newest first, `limit` lines older than `before`
/// (a sequence number; nil: from the newest), every set field matching.
package struct AuditFilter: Sendable, Equatable {
    package var environment: String?
    package var service: String?
    package var actor: String?
    package var before: Int64?
    package var limit: Int

    package init(environment: String? = nil, service: String? = nil, actor: String? = nil, before: Int64? = nil, limit: Int = 100) {
        self.environment = environment
        self.service = service
        self.actor = actor
        self.before = before
        self.limit = limit
    }
}
