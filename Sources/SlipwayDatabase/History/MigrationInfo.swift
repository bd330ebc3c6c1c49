import Foundation

/// One line of `slipway db info`: a migration file, a history row, or both.
package struct MigrationInfo: Sendable, Equatable, Codable {
    package enum Category: String, Sendable, Codable {
        case versioned
        case repeatable
        case baseline
    }

    package var category: Category
    package var version: String?
    package var description: String
    package var script: String
    package var state: MigrationState
    /// The file's checksum; nil when the file is missing.
    package var checksum: Int32?
    /// The checksum the history recorded; nil when it never ran.
    package var appliedChecksum: Int32?
    package var installedRank: Int?
    package var installedOn: Date?
    package var installedBy: String?
    package var executionTimeMs: Int?

    package init(category: Category, version: String?, description: String, script: String, state: MigrationState,
                 checksum: Int32? = nil, applied: AppliedMigration? = nil) {
        self.category = category
        self.version = version
        self.description = description
        self.script = script
        self.state = state
        self.checksum = checksum
        self.appliedChecksum = applied?.checksum
        self.installedRank = applied?.installedRank
        self.installedOn = applied?.installedOn
        self.installedBy = applied?.installedBy
        self.executionTimeMs = applied?.executionTime
    }
}
