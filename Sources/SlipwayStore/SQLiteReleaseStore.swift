import Foundation
import GRDB
import SlipwayCore
import SlipwayModel

/// `ReleaseStore` on SQLite (`.slipway/state.db`) in WAL mode. Each write is one transaction;
/// GRDB runs the blocking SQLite calls on its own queue, off the cooperative pool and event loops.
/// Records are kept as JSON beside the columns that are queried.
///
/// One connection in exclusive locking mode, set before WAL is entered: SQLite then keeps the WAL
/// index in its own memory and never maps `state.db-shm`, whose truncation or refusal by the file
/// system would otherwise be a SIGBUS that takes the daemon (and its proxy) down. The daemon is the
/// only process that opens the file (its flock on `daemon.lock` already says so), so nothing is
/// lost by the exclusive lock. Every operation first checks that the file is still the one opened
/// (`StateFileIdentity`): a state deleted or replaced under the daemon fails that operation with a
/// clear error instead of writing into a file nobody will read again.
package final class SQLiteReleaseStore: ReleaseStore {
    private let queue: DatabaseQueue
    private let identity: StateFileIdentity
    private let encoder = APICoding.encoder()
    private let decoder = APICoding.decoder()

    package init(path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try StateSchema.migrator.migrate(queue)
            // Refused at once when the file cannot be written: a daemon that could not record a
            // deployment must not start one.
            try queue.write { db in try db.execute(sql: "UPDATE grdb_migrations SET identifier = identifier WHERE 0") }
        } catch {
            throw SlipwayError(.storeFailed, "cannot open the state database \(path) for writing: \(error)")
        }
        identity = try StateFileIdentity(path: path)
    }

    private func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }
    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try decoder.decode(type, from: data) }

    func write<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try identity.check()
        do { return try await queue.write(work) } catch let error as SlipwayError { throw error } catch {
            throw SlipwayError(.storeFailed, "state database write failed: \(error)")
        }
    }

    func read<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try identity.check()
        do { return try await queue.read(work) } catch {
            throw SlipwayError(.storeFailed, "state database read failed: \(error)")
        }
    }

    // MARK: releases

    package func saveRelease(_ release: Release) async throws {
        let data = try encode(release)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO release (environment, service, id, created_at, record) VALUES (?, ?, ?, ?, ?)",
                           arguments: [release.key.environment, release.service, release.id, release.createdAt.timeIntervalSince1970, data])
        }
    }

    package func releases(service: ServiceKey) async throws -> [Release] {
        let rows = try await read { db in
            try Data.fetchAll(db, sql: """
                SELECT record FROM release WHERE environment = ? AND service = ? ORDER BY created_at DESC, id DESC
                """, arguments: [service.environment, service.service])
        }
        return try rows.map { try decode(Release.self, $0) }
    }

    package func deleteRelease(service: ServiceKey, id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM release WHERE environment = ? AND service = ? AND id = ?",
                           arguments: [service.environment, service.service, id])
        }
    }

    // MARK: deployments

    package func saveDeployment(_ deployment: Deployment) async throws {
        let data = try encode(deployment)
        try await write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO deployment (id, environment, service, started_at, outcome, record) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [deployment.id, deployment.key.environment, deployment.service, deployment.startedAt.timeIntervalSince1970,
                                 deployment.outcome.rawValue, data])
        }
    }

    package func deployment(id: String) async throws -> Deployment? {
        let row = try await read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM deployment WHERE id = ?", arguments: [id])
        }
        return try row.map { try decode(Deployment.self, $0) }
    }

    package func deployments(service: ServiceKey?, limit: Int) async throws -> [Deployment] {
        let rows = try await read { db in
            if let service {
                return try Data.fetchAll(db, sql: """
                    SELECT record FROM deployment WHERE environment = ? AND service = ? ORDER BY started_at DESC, id DESC LIMIT ?
                    """, arguments: [service.environment, service.service, limit])
            }
            return try Data.fetchAll(db, sql: "SELECT record FROM deployment ORDER BY started_at DESC, id DESC LIMIT ?",
                                     arguments: [limit])
        }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    package func runningDeployments() async throws -> [Deployment] {
        let rows = try await read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM deployment WHERE outcome = ? ORDER BY started_at",
                              arguments: [Deployment.Outcome.running.rawValue])
        }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    package func deploymentTotals() async throws -> [DeploymentTotal] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT environment, service, outcome, COUNT(*) AS count FROM deployment
                GROUP BY environment, service, outcome ORDER BY environment, service, outcome
                """)
            return rows.compactMap { row in
                let spelled: String = row["outcome"]
                // An outcome this Slipway does not know is a newer one's: left out rather than misnamed.
                guard let outcome = Deployment.Outcome(rawValue: spelled) else { return nil }
                return DeploymentTotal(service: ServiceKey(environment: row["environment"] as String, service: row["service"]),
                                       outcome: outcome, count: row["count"])
            }
        }
    }

    package func pendingDeployments() async throws -> [Deployment] {
        let rows = try await read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM deployment WHERE outcome = ? ORDER BY started_at",
                              arguments: [Deployment.Outcome.pending.rawValue])
        }
        return try rows.map { try decode(Deployment.self, $0) }
    }

    package func appendLog(deployment: String, text: String) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO deployment_log (deployment, text) VALUES (?, ?)", arguments: [deployment, text])
        }
    }

    package func log(deployment: String) async throws -> String {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT text FROM deployment_log WHERE deployment = ? ORDER BY seq", arguments: [deployment])
                .joined()
        }
    }

    // MARK: active releases

    package func setActive(_ active: ActiveRelease) async throws {
        let data = try encode(active)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO active_release (environment, service, record) VALUES (?, ?, ?)",
                           arguments: [active.key.environment, active.service, data])
        }
    }

    package func clearActive(service: ServiceKey) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM active_release WHERE environment = ? AND service = ?",
                           arguments: [service.environment, service.service])
        }
    }

    package func active(service: ServiceKey) async throws -> ActiveRelease? {
        let row = try await read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM active_release WHERE environment = ? AND service = ?",
                              arguments: [service.environment, service.service])
        }
        return try row.map { try decode(ActiveRelease.self, $0) }
    }

    package func allActive() async throws -> [ActiveRelease] {
        let rows = try await read { db in try Data.fetchAll(db, sql: "SELECT record FROM active_release ORDER BY environment, service") }
        return try rows.map { try decode(ActiveRelease.self, $0) }
    }

    // MARK: freezes

    package func setFreeze(_ freeze: Freeze) async throws {
        let data = try encode(freeze)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO freeze (environment, record) VALUES (?, ?)", arguments: [freeze.environment, data])
        }
    }

    package func clearFreeze(environment: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM freeze WHERE environment = ?", arguments: [environment])
        }
    }

    package func freezes() async throws -> [Freeze] {
        let rows = try await read { db in try Data.fetchAll(db, sql: "SELECT record FROM freeze ORDER BY environment") }
        return try rows.map { try decode(Freeze.self, $0) }
    }

    // MARK: audit

    package func appendAudit(_ entry: AuditEntry) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO audit (at, actor, action, environment, service, deployment, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action.rawValue,
                                 entry.environment ?? ServiceKey.defaultEnvironment, entry.service, entry.deployment, entry.detail])
        }
    }

    package func audit(service: ServiceKey?, limit: Int) async throws -> [AuditEntry] {
        try await read { db in
            let rows: [Row]
            if let service {
                rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM (SELECT * FROM audit WHERE environment = ? AND service = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq
                    """, arguments: [service.environment, service.service, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                                        arguments: [limit])
            }
            return try rows.map(Self.auditEntry)
        }
    }

    /// One row of the `audit` table as its entry.
    static func auditEntry(_ row: Row) throws -> AuditEntry {
        let spelled: String = row["action"]
        // The trail is append-only and only this store writes it: an action it does not know
        // is a newer Slipway's, and reading on would misreport it.
        guard let action = AuditAction(rawValue: spelled) else {
            throw SlipwayError(.storeFailed, "the audit trail holds an action this Slipway does not know: \(spelled)")
        }
        var entry = AuditEntry(sequence: row["seq"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                               action: action, service: row["service"], deployment: row["deployment"], detail: row["detail"])
        let environment: String = row["environment"]
        entry.environment = environment == ServiceKey.defaultEnvironment ? nil : environment
        return entry
    }
}
