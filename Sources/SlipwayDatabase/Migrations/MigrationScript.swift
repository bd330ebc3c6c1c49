import Foundation

/// A migration file found on disk: `V<version>__<description>.sql` or `R__<description>.sql`.
package struct MigrationScript: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable {
        case versioned
        case repeatable
    }

    package var kind: Kind
    /// Nil for a repeatable migration.
    package var version: MigrationVersion?
    /// The file name's description with `_` shown as spaces, as Flyway stores it.
    package var description: String
    /// The path relative to the migrations directory, as Flyway stores it in `script`.
    package var script: String
    /// Absolute path, for error messages a user can open.
    package var path: String
    package var checksum: Int32
    /// The file's text without a leading byte-order mark.
    package var sql: String

    package init(kind: Kind, version: MigrationVersion?, description: String, script: String, path: String,
                 checksum: Int32, sql: String) {
        self.kind = kind
        self.version = version
        self.description = description
        self.script = script
        self.path = path
        self.checksum = checksum
        self.sql = sql
    }

    /// `V3 add employee timezone` or `R views`: how a human output names it.
    package var label: String {
        switch kind {
        case .versioned: "V\(version?.description ?? "?") \(description)"
        case .repeatable: "R \(description)"
        }
    }
}
