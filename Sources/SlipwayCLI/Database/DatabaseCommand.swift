import ArgumentParser
import SlipwayConfig
import SlipwayModel

/// `slipway db`: migrations and backups, acting on the databases directly (no daemon needed), with the
/// same library a deployment's pipeline calls.
package struct DatabaseCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate, inspect, back up and restore the databases of slipway.yml.",
        discussion: """
            Works without a daemon. DATABASE names an entry of `databases:`; where it is
            optional, leaving it out acts on every database in file order.
            See docs/DATABASES.md.

            Exit codes:
              0  success
              1  validation refused the migrations
              3  a migration, backup or verification failed; database unreachable
              5  a restore failed while replacing the live database (critical)
              6  refused: unknown database or backup, lock timeout, baseline on a
                 non-empty history, restore not confirmed
              8  slipway.yml missing or invalid
            """,
        subcommands: [Migrate.self, Info.self, Validate.self, Baseline.self, Backup.self, Backups.self, Restore.self,
                      Repair.self])

    package init() {}
}
