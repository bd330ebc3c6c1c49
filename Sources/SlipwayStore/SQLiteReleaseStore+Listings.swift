import Foundation
import GRDB
import SlipwayModel

/// The dashboard's listings: deployments and audit lines by filter, a page at a time, filtered by
/// SQLite rather than in memory so that a long history costs one indexed query per page.
extension SQLiteReleaseStore {
    package func deployments(matching filter: DeploymentFilter) async throws -> [Deployment] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let environment = filter.environment {
            conditions.append("environment = ?")
            arguments += [environment]
        }
        if let service = filter.service {
            conditions.append("service = ?")
            arguments += [service]
        }
        if let outcome = filter.outcome {
            conditions.append("outcome = ?")
            arguments += [outcome.rawValue]
        }
        if let actor = filter.actor {
            // The actor lives only in the record (JSON): not indexed, but narrowed by the others first.
            conditions.append("json_extract(CAST(record AS TEXT), '$.actor') = ?")
            arguments += [actor]
        }
        if let since = filter.since {
            conditions.append("started_at >= ?")
            arguments += [since.timeIntervalSince1970]
        }
        if let until = filter.until {
            conditions.append("started_at < ?")
            arguments += [until.timeIntervalSince1970]
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [filter.limit, filter.offset]
        let sql = "SELECT record FROM deployment \(condition) ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?"
        let rows = try await read { [arguments] db in try Data.fetchAll(db, sql: sql, arguments: arguments) }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    package func audit(matching filter: AuditFilter) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let environment = filter.environment {
            conditions.append("environment = ?")
            arguments += [environment]
        }
        if let service = filter.service {
            conditions.append("service = ?")
            arguments += [service]
        }
        if let actor = filter.actor {
            conditions.append("actor = ?")
            arguments += [actor]
        }
        if let before = filter.before {
            conditions.append("seq < ?")
            arguments += [before]
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [filter.limit]
        let sql = "SELECT * FROM audit \(condition) ORDER BY seq DESC LIMIT ?"
        return try await read { [arguments] db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditEntry) }
    }
}
