/// How a backup file is written.
package enum BackupFormat: String, Sendable, Codable {
    /// `pg_dump --format=custom`: compressed by pg_dump, restored with pg_restore.
    case pgDumpCustom = "pg_dump_custom"
    /// A copy made with SQLite's online backup API, gzip-compressed.
    case sqliteGzip = "sqlite_gzip"

    package var fileExtension: String {
        switch self {
        case .pgDumpCustom: "dump"
        case .sqliteGzip: "sqlite.gz"
        }
    }
}
