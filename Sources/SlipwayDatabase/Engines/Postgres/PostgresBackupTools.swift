import Foundation
import Logging
import PostgresNIO
import SlipwayModel

/// pg_dump, pg_restore and the scratch databases that prove a dump restores.
struct PostgresBackupTools: Sendable {
    let connector: PostgresConnector
    var locator = ToolLocator()

    var endpoint: PostgresEndpoint { connector.endpoint }
    var logger: Logger { connector.logger }

    /// `pg_dump --format=custom` (already compressed) of the database into `file`; returns the tool versions.
    func dump(to file: String, serverVersion: Int, deadline: StageDeadline?) async throws -> [String: String] {
        let pgDump = try tool("pg_dump", serverVersion: serverVersion)
        let output = try await Subprocess(executable: pgDump,
            arguments: ["--format=custom", "--no-password", "--file=\(file)"] + endpoint.libpqArguments,
            // PGDATABASE, not --dbname: a --dbname holding `=` would be read as a connection string.
            environment: endpoint.libpqEnvironment.merging(["PGDATABASE": endpoint.database]) { $1 },
            deadline: deadline).run()
        guard output.status == 0 else {
            throw SlipwayError(.backupFailed, "pg_dump of \(endpoint.redacted) failed: \(output.stderrText)")
        }
        return ["pg_dump": try await version(of: pgDump, deadline: deadline), "postgres": try await serverVersionText()]
    }

    /// Creates `name` (like `like` when it exists, else plain) and restores `file` into it with pg_restore.
    func restore(_ file: String, intoNewDatabase name: String, like: String?, serverVersion: Int,
                 deadline: StageDeadline? = nil) async throws {
        try await withAdminConnection { connection in
            var options = " TEMPLATE template0"
            if let like {
                let rows = try await connection.query("""
                    SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = \(like)
                    """, logger: logger)
                for try await (encoding, collate, ctype) in rows.decode((String, String, String).self) {
                    options += " ENCODING \(Self.literal(encoding)) LC_COLLATE \(Self.literal(collate)) LC_CTYPE \(Self.literal(ctype))"
                }
            }
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(Self.identifier(name))\(options)"), logger: logger)
        }
        let output: Subprocess.Output
        do {
            let pgRestore = try tool("pg_restore", serverVersion: serverVersion)
            output = try await Subprocess(executable: pgRestore,
                arguments: ["--no-owner", "--exit-on-error", "--no-password"] + endpoint.libpqArguments + ["--dbname=\(name)", file],
                environment: endpoint.libpqEnvironment, deadline: deadline).run()
        } catch {
            await dropDatabase(name, serverVersion: serverVersion)
            throw error
        }
        guard output.status == 0 else {
            await dropDatabase(name, serverVersion: serverVersion)
            throw SlipwayError(.backupVerifyFailed, "pg_restore of \(file) failed: \(output.stderrText)")
        }
    }

    /// Gives `fresh` what pg_dump does not carry and a swap would otherwise lose: the owner, the database's
    /// privileges (GRANT/REVOKE ... ON DATABASE) and its settings (ALTER DATABASE ... SET).
    func copyDatabaseProperties(from target: String, to fresh: String) async throws {
        try await withAdminConnection { connection in
            let quoted = Self.identifier(fresh)
            var statements: [String] = []
            let owner = try await connection.query("""
                SELECT pg_get_userbyid(datdba), datacl IS NOT NULL FROM pg_database WHERE datname = \(target)
                """, logger: logger)
            for try await (name, hasACL) in owner.decode((String, Bool).self) {
                statements.append("ALTER DATABASE \(quoted) OWNER TO \(Self.identifier(name))")
                if hasACL { statements.append("REVOKE ALL ON DATABASE \(quoted) FROM PUBLIC") }
            }
            let grants = try await connection.query("""
                SELECT a.privilege_type, COALESCE(pg_get_userbyid(NULLIF(a.grantee, 0)), ''), a.is_grantable
                FROM pg_database d, aclexplode(d.datacl) a
                WHERE d.datname = \(target) AND a.grantee <> d.datdba
                """, logger: logger)
            for try await (privilege, grantee, grantable) in grants.decode((String, String, Bool).self) {
                let role = grantee.isEmpty ? "PUBLIC" : Self.identifier(grantee)
                statements.append("GRANT \(privilege) ON DATABASE \(quoted) TO \(role)\(grantable ? " WITH GRANT OPTION" : "")")
            }
            let settings = try await connection.query("""
                SELECT unnest(s.setconfig) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                WHERE d.datname = \(target) AND s.setrole = 0
                """, logger: logger)
            for try await setting in settings.decode(String.self) {
                guard let equals = setting.firstIndex(of: "=") else { continue }
                let name = String(setting[..<equals])
                let value = String(setting[setting.index(after: equals)...])
                statements.append("ALTER DATABASE \(quoted) SET \(Self.identifier(name)) = \(Self.literal(value))")
            }
            for statement in statements {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                } catch {
                    throw SlipwayError(.databaseFailed,
                        "cannot give the restored copy the live database's properties (`\(statement)`): \(PostgresErrorText.describe(error)); the live database was not touched")
                }
            }
        }
    }

    /// Rows of the history table in `database`; nil when the table is not there.
    func historyRows(in database: String, table: String) async throws -> Int? {
        try await connector.withConnection(database: database) { connection in
            let rows = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger)
            var exists = false
            for try await found in rows.decode(Bool.self) { exists = found }
            guard exists else { return nil }
            let qualified = table.split(separator: ".").map { Self.identifier(String($0)) }.joined(separator: ".")
            let count = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(qualified)"), logger: logger)
            for try await value in count.decode(Int.self) { return value }
            return 0
        }
    }

    func dropDatabase(_ name: String, serverVersion: Int) async {
        // FORCE (PostgreSQL 13+) ends sessions a failed pg_restore may have left behind.
        let force = serverVersion >= 130_000 ? " WITH (FORCE)" : ""
        _ = try? await withAdminConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(Self.identifier(name))\(force)"), logger: logger)
        }
    }

    func serverVersion() async throws -> Int {
        try await withAdminConnection { connection in
            let rows = try await connection.query("SELECT current_setting('server_version_num')::int", logger: logger)
            for try await number in rows.decode(Int.self) { return number }
            return 0
        }
    }

    func serverVersionText() async throws -> String {
        try await withAdminConnection { connection in
            let rows = try await connection.query("SELECT current_setting('server_version')", logger: logger)
            for try await text in rows.decode(String.self) { return text }
            return "unknown"
        }
    }

    /// A connection for CREATE, DROP and RENAME DATABASE: the `postgres` maintenance database, or the
    /// configured one when `postgres` is not reachable (a managed service that hides it).
    func withAdminConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await connector.connect(database: "postgres")
        } catch {
            connection = try await connector.connect()
        }
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The tool of the server's major version when Debian's layout has it (pg_dump refuses a newer server).
    func tool(_ name: String, serverVersion: Int) throws -> String {
        let major = serverVersion / 10_000
        guard let path = locator.locate(name, preferring: ["/usr/lib/postgresql/\(major)/bin"]) else {
            throw SlipwayError(.backupFailed, "\(name) not found: install the PostgreSQL \(major) client tools (postgresql-client-\(major))")
        }
        return path
    }

    func version(of tool: String, deadline: StageDeadline? = nil) async throws -> String {
        let output = try await Subprocess(executable: tool, arguments: ["--version"], deadline: deadline).run()
        return String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
