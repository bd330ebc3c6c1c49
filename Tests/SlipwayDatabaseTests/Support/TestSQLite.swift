import Foundation

/// Looks into a SQLite file with Python's sqlite3 module (scripts/setup.sh installs python3): an
/// independent reader, so the tests do not check our SQLite code with itself.
enum TestSQLite {
    /// Rows of `sql`, one line each, columns joined by `|`, NULL as empty.
    static func query(_ path: String, _ sql: String) async throws -> String {
        try await python("""
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1])
            for row in con.execute(sys.argv[2]):
                print("|".join("" if v is None else str(v) for v in row))
            """, path, sql)
    }

    /// Runs `sql` (several statements allowed) and commits.
    static func execute(_ path: String, _ sql: String) async throws {
        _ = try await python("""
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1])
            con.executescript(sys.argv[2])
            con.commit()
            """, path, sql)
    }

    static func tableExists(_ path: String, _ table: String) async throws -> Bool {
        try await query(path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(table)'") == "1"
    }

    private static func python(_ script: String, _ arguments: String...) async throws -> String {
        try await TestProcess.output(["python3", "-c", script] + arguments)
    }
}
