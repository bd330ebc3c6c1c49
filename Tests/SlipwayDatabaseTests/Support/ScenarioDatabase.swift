import Foundation

/// A database the shared scenarios run against: its URL for the migrator, and an independent way to
/// look inside it (psql, Python's sqlite3).
protocol ScenarioDatabase: Sendable {
    var url: String { get }
    /// A statement that keeps a migration busy for a second or two, to hold the lock while another waits.
    var slowStatement: String { get }
    func query(_ sql: String) async throws -> String
    func execute(_ sql: String) async throws
    func tableExists(_ name: String) async throws -> Bool
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

    /// Counting to a billion takes minutes: only the interrupt ends it.
    static let endlessCount = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c;"

    func query(_ sql: String) async throws -> String { try await TestSQLite.query(path, sql) }
    func execute(_ sql: String) async throws { try await TestSQLite.execute(path, sql) }
    func tableExists(_ name: String) async throws -> Bool {
        FileManager.default.fileExists(atPath: path) ? try await TestSQLite.tableExists(path, name) : false
    }
}

struct PostgresDatabase: ScenarioDatabase {
    let url: String

    var slowStatement: String { "SELECT pg_sleep(1.5);" }

    func query(_ sql: String) async throws -> String { try await TestPostgres.psql(url, sql) }
    func execute(_ sql: String) async throws { try await TestPostgres.psql(url, sql) }
    func tableExists(_ name: String) async throws -> Bool {
        try await TestPostgres.psql(url, "SELECT to_regclass('\(name)') IS NOT NULL") == "t"
    }
}
