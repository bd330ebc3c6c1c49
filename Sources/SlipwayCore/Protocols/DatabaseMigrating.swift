import SlipwayModel

/// Backs up and migrates a service's database before its new release takes traffic.
public protocol DatabaseMigrating: Sendable {
    /// Takes a verified backup when migrations are pending, then applies them, each in its own
    /// transaction. Throws when the backup cannot be verified or a migration fails; the database is
    /// then as the failed migration's transaction left it (unchanged) and the error names the
    /// restore command for the backup.
    func migrate(database: String, deployment: String, log: @escaping @Sendable (String) -> Void) async throws -> MigrationOutcome
}

public struct MigrationOutcome: Sendable, Equatable {
    /// The verified backup taken first; nil when nothing was pending.
    public var backup: String?
    /// Scripts applied, in order.
    public var applied: [String]

    public init(backup: String?, applied: [String]) {
        self.backup = backup
        self.applied = applied
    }
}
