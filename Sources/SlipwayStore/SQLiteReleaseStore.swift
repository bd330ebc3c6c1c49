import Foundation
import GRDB
import SlipwayCore
import SlipwayModel

/// `ReleaseStore` on SQLite (`.slipway/state.db`) in WAL mode. Each write is one transaction;
/// GRDB runs the blocking SQLite calls on its own queue, off the cooperative pool and event loops.
/// Records are kept as JSON beside the columns that are queried.
public final class SQLiteReleaseStore: ReleaseStore {
    private let pool: DatabasePool
    private let encoder = APICoding.encoder()
    private let decoder = APICoding.decoder()

    public init(path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
            try StateSchema.migrator.migrate(pool)
        } catch {
            throw SlipwayError(.storeFailed, "cannot open the state database \(path): \(error)")
        }
    }

    private func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }
    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try decoder.decode(type, from: data) }

    private func write<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do { return try await pool.write(work) } catch let error as SlipwayError { throw error } catch {
            throw SlipwayError(.storeFailed, "state database write failed: \(error)")
        }
    }

    private func read<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do { return try await pool.read(work) } catch {
            throw SlipwayError(.storeFailed, "state database read failed: \(error)")
        }
    }

    // MARK: releases

    public func saveRelease(_ release: Release) async throws {
        let data = try encode(release)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO release (service, id, created_at, record) VALUES (?, ?, ?, ?)",
                           arguments: [release.service, release.id, release.createdAt.timeIntervalSince1970, data])
        }
    }

    public func releases(service: String) async throws -> [Release] {
        let rows = try await read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM release WHERE service = ? ORDER BY created_at DESC, id DESC",
                              arguments: [service])
        }
        return try rows.map { try decode(Release.self, $0) }
    }

    public func deleteRelease(service: String, id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM release WHERE service = ? AND id = ?", arguments: [service, id])
        }
    }

    // MARK: deployments

    public func saveDeployment(_ deployment: Deployment) async throws {
        let data = try encode(deployment)
        try await write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO deployment (id, service, started_at, outcome, record) VALUES (?, ?, ?, ?, ?)
                """, arguments: [deployment.id, deployment.service, deployment.startedAt.timeIntervalSince1970,
                                 deployment.outcome.rawValue, data])
        }
    }

    public func deployment(id: String) async throws -> Deployment? {
        let row = try await read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM deployment WHERE id = ?", arguments: [id])
        }
        return try row.map { try decode(Deployment.self, $0) }
    }

    public func deployments(service: String?, limit: Int) async throws -> [Deployment] {
        let rows = try await read { db in
            if let service {
                return try Data.fetchAll(db, sql: "SELECT record FROM deployment WHERE service = ? ORDER BY started_at DESC, id DESC LIMIT ?",
                                         arguments: [service, limit])
            }
            return try Data.fetchAll(db, sql: "SELECT record FROM deployment ORDER BY started_at DESC, id DESC LIMIT ?",
                                     arguments: [limit])
        }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    public func runningDeployments() async throws -> [Deployment] {
        let rows = try await read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM deployment WHERE outcome = ? ORDER BY started_at",
                              arguments: [Deployment.Outcome.running.rawValue])
        }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    public func appendLog(deployment: String, text: String) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO deployment_log (deployment, text) VALUES (?, ?)", arguments: [deployment, text])
        }
    }

    public func log(deployment: String) async throws -> String {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT text FROM deployment_log WHERE deployment = ? ORDER BY seq", arguments: [deployment])
                .joined()
        }
    }

    // MARK: active releases

    public func setActive(_ active: ActiveRelease) async throws {
        let data = try encode(active)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO active_release (service, record) VALUES (?, ?)", arguments: [active.service, data])
        }
    }

    public func clearActive(service: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM active_release WHERE service = ?", arguments: [service])
        }
    }

    public func active(service: String) async throws -> ActiveRelease? {
        let row = try await read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM active_release WHERE service = ?", arguments: [service])
        }
        return try row.map { try decode(ActiveRelease.self, $0) }
    }

    public func allActive() async throws -> [ActiveRelease] {
        let rows = try await read { db in try Data.fetchAll(db, sql: "SELECT record FROM active_release ORDER BY service") }
        return try rows.map { try decode(ActiveRelease.self, $0) }
    }

    // MARK: audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO audit (at, actor, action, service, deployment, detail) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action.rawValue, entry.service,
                                       entry.deployment, entry.detail])
        }
    }

    public func audit(service: String?, limit: Int) async throws -> [AuditEntry] {
        try await read { db in
            let rows: [Row]
            if let service {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM audit WHERE service = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                                        arguments: [service, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                                        arguments: [limit])
            }
            return try rows.map { row in
                let spelled: String = row["action"]
                // The trail is append-only and only this store writes it: an action it does not know
                // is a newer Slipway's, and reading on would misreport it.
                guard let action = AuditAction(rawValue: spelled) else {
                    throw SlipwayError(.storeFailed, "the audit trail holds an action this Slipway does not know: \(spelled)")
                }
                return AuditEntry(sequence: row["seq"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                                  action: action, service: row["service"], deployment: row["deployment"], detail: row["detail"])
            }
        }
    }
}
