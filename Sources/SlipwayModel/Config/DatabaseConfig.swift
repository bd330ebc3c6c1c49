/// One entry of `databases:` in `slipway.yml`: where it is, its migrations and its backups.
package struct DatabaseConfig: Sendable, Equatable {
    package enum Kind: String, Sendable, Equatable {
        case postgres
        case sqlite
    }

    package var name: String
    /// `postgres://user:pass@host:port/db` or `sqlite:path/to/file.db` (relative to the config's directory),
    /// after `${VAR}` expansion. Holds secrets: never print it (see `redactedURL`).
    package var url: String
    /// Directory of `V<version>__<description>.sql` and `R__<description>.sql` files,
    /// relative to the config's directory.
    package var migrations: String
    package var backup: BackupConfig
    /// PostgreSQL: `SET lock_timeout` for migrations.
    package var lockTimeout: Duration
    /// Allow a pending version lower than the highest applied one (Flyway's outOfOrder).
    package var outOfOrder: Bool
    /// How long a deployment's backup stage (validate, dump, verify) or `slipway db backup` may take.
    package var backupTimeout: Duration
    /// How long a deployment's migrate stage (every pending migration) or `slipway db migrate` may take.
    package var migrateTimeout: Duration

    package init(name: String, url: String, migrations: String, backup: BackupConfig,
                lockTimeout: Duration = .seconds(5), outOfOrder: Bool = false,
                backupTimeout: Duration = .seconds(1800), migrateTimeout: Duration = .seconds(1800)) {
        self.name = name
        self.url = url
        self.migrations = migrations
        self.backup = backup
        self.lockTimeout = lockTimeout
        self.outOfOrder = outOfOrder
        self.backupTimeout = backupTimeout
        self.migrateTimeout = migrateTimeout
    }

    package var kind: Kind { url.hasPrefix("sqlite:") ? .sqlite : .postgres }
}

package struct BackupConfig: Sendable, Equatable {
    /// Default `.slipway/backups/<database>`, relative to the config's directory.
    package var dir: String
    /// Keep the newest N backups; nil: no count limit.
    package var keep: Int?
    /// Delete backups older than this; nil: no age limit. The newest verified one is never deleted.
    package var maxAge: Duration?
    /// Restore each backup into a scratch database to prove it (default true).
    package var verify: Bool

    package init(dir: String, keep: Int? = 7, maxAge: Duration? = nil, verify: Bool = true) {
        self.dir = dir
        self.keep = keep
        self.maxAge = maxAge
        self.verify = verify
    }
}
