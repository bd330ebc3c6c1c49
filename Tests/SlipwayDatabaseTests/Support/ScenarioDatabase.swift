import Foundation

/// A database the shared scenarios run against: its URL for the migrator, and an independent way to
/// look inside it (psql, Python's sqlite3).
protocol ScenarioDatabase: Sendable {
    var url: String { get }
    /// A statement that keeps a migration busy for a second or two, to hold the lock while another waits.
    var slowStatement: String { get }
    func query(_ sql: String) throws -> String
    func execute(_ sql: String) throws
    func tableExists(_ name: String) throws -> Bool
}

struct SQLiteDatabase: ScenarioDatabase {
    let path: String
    let url: String

    /// `sqlite:app.db`, relative to the project root as a config would write it.
    init(_ project: MigrationProject) {
        path = project.root + "/app.db"
        url = "sqlite:app.db"
    }

    var slowStatement: String {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c;"
    }

    func query(_ sql: String) throws -> String { try TestSQLite.query(path, sql) }
    func execute(_ sql: String) throws { try TestSQLite.execute(path, sql) }
    func tableExists(_ name: String) throws -> Bool {
        FileManager.default.fileExists(atPath: path) ? try TestSQLite.tableExists(path, name) : false
    }
}

struct PostgresDatabase: ScenarioDatabase {
    let url: String

    var slowStatement: String { "SELECT pg_sleep(1.5);" }

    func query(_ sql: String) throws -> String { try TestPostgres.psql(url, sql) }
    func execute(_ sql: String) throws { try TestPostgres.psql(url, sql) }
    func tableExists(_ name: String) throws -> Bool {
        try TestPostgres.psql(url, "SELECT to_regclass('\(name)') IS NOT NULL") == "t"
    }
}
