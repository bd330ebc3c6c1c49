import Foundation
import Logging
import PostgresNIO
import SlipwayModel

/// Reads and writes `slipway_schema_history` in the connection's current schema.
struct PostgresSchemaHistory {
    let connection: PostgresConnection
    let logger: Logger

    func exists() async throws -> Bool {
        let rows = try await connection.query("SELECT to_regclass('slipway_schema_history') IS NOT NULL", logger: logger)
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }

    func create() async throws {
        try await connection.query(PostgresQuery(unsafeSQL: SchemaHistoryTable.postgresCreate), logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: SchemaHistoryTable.postgresIndex), logger: logger)
    }

    func rows() async throws -> [AppliedMigration] {
        guard try await exists() else { return [] }
        let rows = try await connection.query(PostgresQuery(unsafeSQL:
            "SELECT \(SchemaHistoryTable.columns) FROM slipway_schema_history ORDER BY installed_rank"), logger: logger)
        var applied: [AppliedMigration] = []
        for try await (rank, version, description, type, script, checksum, by, on, time, success)
            in rows.decode((Int32, String?, String, String, String, Int32?, String, Date, Int32, Bool).self) {
            applied.append(AppliedMigration(installedRank: Int(rank), version: version, description: description,
                type: type, script: script, checksum: checksum, installedBy: by, installedOn: on,
                executionTime: Int(time), success: success))
        }
        return applied
    }

    func count() async throws -> Int? {
        guard try await exists() else { return nil }
        let rows = try await connection.query("SELECT count(*) FROM slipway_schema_history", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Inserts the next row (the lock is held, so the rank cannot race) and returns it as stored.
    func insert(version: String?, description: String, type: String, script: String, checksum: Int32?,
                installedBy: String?, executionTime: Int, success: Bool) async throws -> AppliedMigration {
        let description = SchemaHistoryTable.fit(description, 200)
        let script = SchemaHistoryTable.fit(script, 1000)
        let time = Int32(clamping: executionTime)
        let rows = try await connection.query("""
            INSERT INTO slipway_schema_history
                (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
            SELECT COALESCE(MAX(installed_rank), 0) + 1, \(version), \(description), \(type), \(script), \(checksum),
                   COALESCE(\(installedBy)::varchar, current_user), \(time), \(success)
            FROM slipway_schema_history
            RETURNING installed_rank, installed_by, installed_on
            """, logger: logger)
        for try await (rank, by, on) in rows.decode((Int32, String, Date).self) {
            return AppliedMigration(installedRank: Int(rank), version: version, description: description, type: type,
                script: script, checksum: checksum, installedBy: by, installedOn: on, executionTime: executionTime,
                success: success)
        }
        throw SlipwayError(.databaseFailed, "inserting into slipway_schema_history returned no row")
    }
}
