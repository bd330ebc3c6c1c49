import Foundation

/// `<name>.json` beside each backup file: what it is, how to check it, and whether it was proved.
package struct BackupManifest: Sendable, Equatable, Codable {
    package enum Reason: String, Sendable, Codable {
        /// Taken by `migrate` before it ran pending migrations.
        case migrate
        /// Taken by `slipway db backup`.
        case manual
    }

    /// `hr-20261122T093015Z-d-20261122-093015-4f2a`: database, UTC time, deployment id (or `manual`).
    package var name: String
    package var database: String
    package var format: BackupFormat
    /// The backup file's name, in the same directory as the manifest.
    package var file: String
    package var createdAt: Date
    package var deploymentID: String?
    package var reason: Reason
    package var sizeBytes: Int64
    package var sha256: String
    /// `pg_dump`, `postgres` (server), `sqlite`, `gzip`: the versions that wrote it.
    package var tools: [String: String]
    /// The highest applied migration version when it was taken; nil for a database without history.
    package var schemaVersion: String?
    /// Rows of the history table when it was taken; nil when there was no table. Verification compares it.
    package var historyRows: Int?
    /// The history table as named inside the backup (`public.slipway_schema_history`).
    package var historyTable: String
    /// True once it was restored into a scratch database and checked there.
    package var verified: Bool
    package var verifiedAt: Date?
    /// What the last verification checked, or why it failed.
    package var verification: String?

    package init(name: String, database: String, format: BackupFormat, file: String, createdAt: Date,
                 deploymentID: String?, reason: Reason, sizeBytes: Int64, sha256: String, tools: [String: String],
                 schemaVersion: String?, historyRows: Int?, historyTable: String, verified: Bool = false,
                 verifiedAt: Date? = nil, verification: String? = nil) {
        self.name = name
        self.database = database
        self.format = format
        self.file = file
        self.createdAt = createdAt
        self.deploymentID = deploymentID
        self.reason = reason
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.tools = tools
        self.schemaVersion = schemaVersion
        self.historyRows = historyRows
        self.historyTable = historyTable
        self.verified = verified
        self.verifiedAt = verifiedAt
        self.verification = verification
    }
}
