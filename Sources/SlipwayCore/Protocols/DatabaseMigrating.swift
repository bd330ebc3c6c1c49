import SlipwayModel

/// Backs up and migrates a service's database while its new release is built, in two stages.
/// Migrations are read from `releaseDirectory`, the exported commit being deployed.
public protocol DatabaseMigrating: Sendable {
    /// Validates the migrations against the database's history and, when some are pending, takes
    /// a verified backup. Returns its name, nil when the schema is up to date (no backup needed).
    /// Throws when validation fails or the backup cannot be verified; nothing has changed then.
    func backup(database: String, releaseDirectory: String, deployment: String,
                log: @escaping @Sendable (String) -> Void) async throws -> String?

    /// Applies the pending migrations, each in its own transaction; returns their scripts in order.
    /// Throws when one fails: the database is then as that migration's transaction left it
    /// (unchanged by it), the ones before it applied.
    func migrate(database: String, releaseDirectory: String, deployment: String,
                 log: @escaping @Sendable (String) -> Void) async throws -> [String]
}
