import Crypto
import Foundation
import Logging
import PostgresNIO
import SlipwayModel

/// The session-level advisory lock that keeps two migrators of one database apart.
///
/// Keyed from the database, the schema and the history table (as Flyway keys its lock from the table), so two
/// schemas migrated separately in one database do not wait on each other.
struct PostgresAdvisoryLock {
    let connection: PostgresConnection
    let logger: Logger
    let key: Int64

    /// The first 8 bytes of SHA-256 over `database:schema.table`, as a signed bigint.
    static func key(database: String, schema: String) -> Int64 {
        let digest = SHA256.hash(data: Data("slipway:\(database):\(schema).\(SchemaHistoryTable.name)".utf8))
        return Array(digest).prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// Takes the lock, polling until `wait` has passed; tells `onWait` once who holds it.
    func acquire(wait: Duration, database: String, onWait: @Sendable (String) -> Void) async throws {
        let deadline = ContinuousClock.now + wait
        var holder: String?
        while true {
            if try await tryLock() { return }
            if holder == nil {
                let described = try await describeHolder() ?? "another session"
                holder = described
                onWait("waiting up to \(DurationText.format(wait)) for the migration lock on \(database), held by \(described)")
            }
            guard ContinuousClock.now < deadline else {
                let current = try await describeHolder() ?? holder ?? "another session"
                throw SlipwayError(.lockTimeout,
                    "gave up after \(DurationText.format(wait)) waiting for the migration lock on \(database), held by \(current); another deployer is migrating it")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func release() async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
    }

    private func tryLock() async throws -> Bool {
        let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
        for try await acquired in rows.decode(Bool.self) { return acquired }
        return false
    }

    /// `pid 4242 (slipway db migrate hr, user app from 10.0.0.7, connected 2026-11-22 09:30:15 UTC)`.
    /// A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
    func describeHolder() async throws -> String? {
        let high = Int64(UInt32(truncatingIfNeeded: key >> 32))
        let low = Int64(UInt32(truncatingIfNeeded: key))
        let rows = try await connection.query("""
            SELECT a.pid, COALESCE(a.application_name, ''), COALESCE(a.usename::text, ''),
                   COALESCE(host(a.client_addr), 'local socket'),
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.classid::bigint = \(high) AND l.objid::bigint = \(low)
            LIMIT 1
            """, logger: logger)
        for try await (pid, application, user, client, since) in rows.decode((Int32, String, String, String, String).self) {
            let app = application.isEmpty ? "" : "\(application), "
            return "pid \(pid) (\(app)user \(user) from \(client), connected \(since) UTC)"
        }
        return nil
    }
}
