import Foundation

/// One row of `slipway_schema_history`, Flyway's columns.
package struct AppliedMigration: Sendable, Equatable, Codable {
    /// Flyway's `type` for a SQL migration (versioned or repeatable) and for a baseline marker.
    package static let sqlType = "SQL"
    package static let baselineType = "BASELINE"

    package var installedRank: Int
    /// As stored; nil for a repeatable migration.
    package var version: String?
    package var description: String
    package var type: String
    package var script: String
    package var checksum: Int32?
    package var installedBy: String
    package var installedOn: Date
    /// Milliseconds.
    package var executionTime: Int
    package var success: Bool

    package init(installedRank: Int, version: String?, description: String, type: String, script: String,
                 checksum: Int32?, installedBy: String, installedOn: Date, executionTime: Int, success: Bool) {
        self.installedRank = installedRank
        self.version = version
        self.description = description
        self.type = type
        self.script = script
        self.checksum = checksum
        self.installedBy = installedBy
        self.installedOn = installedOn
        self.executionTime = executionTime
        self.success = success
    }

    package var parsedVersion: MigrationVersion? { version.flatMap(MigrationVersion.init) }
    package var isBaseline: Bool { type == Self.baselineType }
    /// Flyway writes a `SCHEMA` marker (rank 0) when it created the schema; it is not a migration.
    package var isMarker: Bool { type == "SCHEMA" || type == "DELETE" }
}
