import Foundation
import GRDB
import SlipwayModel

/// Reads and writes `slipway_schema_history` in a SQLite database.
enum SQLiteSchemaHistory {
    static func exists(_ db: Database) throws -> Bool {
        try db.tableExists(SchemaHistoryTable.name)
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: SchemaHistoryTable.sqliteCreate)
    }

    static func rows(_ db: Database) throws -> [AppliedMigration] {
        guard try exists(db) else { return [] }
        return try Row.fetchAll(db, sql: "SELECT \(SchemaHistoryTable.columns) FROM slipway_schema_history ORDER BY installed_rank")
            .map { row in
                AppliedMigration(installedRank: row["installed_rank"], version: row["version"],
                    description: row["description"], type: row["type"], script: row["script"],
                    checksum: row["checksum"], installedBy: row["installed_by"],
                    installedOn: row["installed_on"] ?? Date(timeIntervalSince1970: 0),
                    executionTime: row["execution_time"], success: row["success"])
            }
    }

    static func count(_ db: Database) throws -> Int? {
        guard try exists(db) else { return nil }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM slipway_schema_history") ?? 0
    }

    static func insert(_ db: Database, version: String?, description: String, type: String, script: String,
                       checksum: Int32?, installedBy: String, executionTime: Int, success: Bool) throws -> AppliedMigration {
        let rank = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM slipway_schema_history")) ?? 1
        let description = SchemaHistoryTable.fit(description, 200)
        let script = SchemaHistoryTable.fit(script, 1000)
        let installedBy = SchemaHistoryTable.fit(installedBy, 100)
        try db.execute(sql: """
            INSERT INTO slipway_schema_history
                (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [rank, version, description, type, script, checksum, installedBy, executionTime, success])
        let installedOn = try Date.fetchOne(db, sql: "SELECT installed_on FROM slipway_schema_history WHERE installed_rank = ?",
                                            arguments: [rank]) ?? Date()
        return AppliedMigration(installedRank: rank, version: version, description: description, type: type, script: script,
                                checksum: checksum, installedBy: installedBy, installedOn: installedOn,
                                executionTime: executionTime, success: success)
    }
}
