import SlipwayModel

/// Backs up and migrates a service's database while its new release is built: the pipeline's backup
/// and migrate stages, under one hold of the database's migration lock, so that no other migrator can
/// change the schema between the backup and the migrations. Migrations are read from
/// `releaseDirectory`, the exported commit being deployed.
package protocol DatabaseMigrating: Sendable {
    /// Validates the migrations against the database's history (throwing, with nothing changed, when
    /// validation fails). When none is pending, returns `[]` without calling `backedUp`. Otherwise takes
    /// a verified backup (throwing, with nothing changed, when it cannot be proven), calls `backedUp` with
    /// its name and, when that answers true, applies the pending migrations, each in its own
    /// transaction, and returns their scripts in order; when it answers false, returns `[]`.
    /// Throws after `backedUp` when a migration fails: the database is then as that migration's
    /// transaction left it (unchanged by it), the ones before it applied.
    func backUpAndMigrate(database: String, releaseDirectory: String, deployment: String,
                          log: @escaping @Sendable (String) -> Void,
                          backedUp: @escaping @Sendable (String) async -> Bool) async throws -> [String]
}
