import Foundation
import GRDB
import SlipwayModel

/// The dashboard's listings: deployments and audit lines by filter, a page at a time, filtered by
/// SQLite rather than in memory so that a long history costs one indexed query per page.
extension SQLiteReleaseStore {
    package func deployments(matching filter: DeploymentFilter) async throws -> [Deployment] {
        var matching = Conditions()
        matching.add("environment = ?", filter.environment)
        matching.add("service = ?", filter.service)
        matching.add("outcome = ?", filter.outcome?.rawValue)
        // The actor lives only in the record (JSON): not indexed, but narrowed by the others first.
        matching.add("json_extract(CAST(record AS TEXT), '$.actor') = ?", filter.actor)
        matching.add("started_at >= ?", filter.since?.timeIntervalSince1970)
        matching.add("started_at < ?", filter.until?.timeIntervalSince1970)
        var arguments = matching.arguments
        arguments += [filter.limit, filter.offset]
        let sql = "SELECT record FROM deployment \(matching.whereClause) ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?"
        let rows = try await read { [arguments] db in try Data.fetchAll(db, sql: sql, arguments: arguments) }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    package func audit(matching filter: AuditFilter) async throws -> [AuditEntry] {
        var matching = Conditions()
        matching.add("environment = ?", filter.environment)
        matching.add("service = ?", filter.service)
        matching.add("actor = ?", filter.actor)
        matching.add("seq < ?", filter.before)
        var arguments = matching.arguments
        arguments += [filter.limit]
        let sql = "SELECT * FROM audit \(matching.whereClause) ORDER BY seq DESC LIMIT ?"
        return try await read { [arguments] db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditEntry) }
    }
}

/// A WHERE clause of the filters that are set, each with its argument.
private struct Conditions {
    var clauses: [String] = []
    var arguments: StatementArguments = []

    /// `clause` (one `?`) when `value` is set; nothing for nil.
    mutating func add(_ clause: String, _ value: (some DatabaseValueConvertible)?) {
        guard let value else { return }
        clauses.append(clause)
        arguments += [value]
    }

    var whereClause: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}
