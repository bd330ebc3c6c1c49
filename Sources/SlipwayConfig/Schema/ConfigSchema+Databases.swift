/// `databases:` (`DatabaseDecoder`).
extension ConfigSchema {
    package static let database = MappingSchema(
        id: "database", path: "databases.NAME",
        summary: "A database whose migrations Slipway runs, with a backup taken first.",
        keys: [
            KeySchema("url", nonEmptyText, required: true,
                      "`postgres://…` or `sqlite:path`; `${VAR}` is expanded and the value never shown.",
                      example: "\"${DATABASE_URL}\""),
            KeySchema("migrations", nonEmptyText, required: true, "The directory of migration files (`V1__init.sql`).",
                      example: "db/migrations"),
            KeySchema("backup", .mapping(backup), default: .described("the defaults of its keys"), "Backups taken before migrating.",
                      example: "{ keep: 14, max_age: 30d }"),
            KeySchema("lock_timeout", duration, default: .value("5s"),
                      "How long a migration waits for the database's migration lock.", example: "30s"),
            KeySchema("out_of_order", .boolean, default: .value("false"),
                      "Apply a pending migration older than the newest applied one.", example: "true"),
            KeySchema("backup_timeout", positiveDuration, default: .value("30m"), "How long a backup may take.", example: "1h"),
            KeySchema("migrate_timeout", positiveDuration, default: .value("30m"), "How long migrating may take.", example: "1h"),
        ])

    package static let backup = MappingSchema(
        id: "backup", path: "databases.NAME.backup",
        summary: "Where backups go and how long they are kept.",
        keys: [
            KeySchema("dir", nonEmptyText, default: .value(".slipway/backups/NAME"), "The backups' directory.",
                      example: "/var/backups/app"),
            KeySchema("keep", .either([.integer(min: 1, max: nil), .null]), default: .value("7"),
                      "How many backups are kept; `null`: no count limit.", example: "14"),
            KeySchema("max_age", positiveDuration, default: .described("no age limit"), "Backups older than this are removed.",
                      example: "30d"),
            KeySchema("verify", .boolean, default: .value("true"), "Check each backup can be read back.", example: "false"),
        ])
}
