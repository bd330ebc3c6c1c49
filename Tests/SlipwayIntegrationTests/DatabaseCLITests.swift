import Foundation
import SlipwayModel
import Testing

/// `slipway db` as a user runs it, with no daemon: SQLite here (PostgreSQL is covered in
/// SlipwayDatabaseTests against a real server).
@Suite struct DatabaseCLITests {
    func repository() throws -> TestRepository {
        let repository = try TestRepository(config: """
            services:
              web:
                run: ./web
            databases:
              hr:
                url: sqlite:data/hr.db
                migrations: migrations
                backup: { keep: 3 }
            """)
        try FileManager.default.createDirectory(atPath: repository.root + "/migrations", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository.root + "/data", withIntermediateDirectories: true)
        try repository.write("migrations/V1__employees.sql", "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT);\n")
        try repository.write("migrations/V2__add_employee_timezone.sql", "ALTER TABLE employees ADD COLUMN timezone TEXT;\n")
        return repository
    }

    @Test func migrateInfoValidateBackupAndRestoreFromTheCommandLine() async throws {
        let repository = try repository()
        defer { repository.remove() }
        let cli = CLI(repository: repository)

        let dry = try await cli.run("db", "migrate", "hr", "--dry-run")
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("2 migration(s) would run"))
        #expect(dry.stdout.contains("add employee timezone"))
        if FileManager.default.fileExists(atPath: repository.root + "/data/hr.db") {
            let tables = try await runProgram("/usr/bin/env", ["sqlite3", repository.root + "/data/hr.db", ".tables"]).stdout
            #expect(!tables.contains("employees"))
        }

        let migrate = try await cli.run("db", "migrate", "hr")
        #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
        let info = try await cli.run("db", "info", "hr", "--json")
        #expect(info.status == 0)
        #expect(info.stdout.contains("V2__add_employee_timezone.sql"))
        #expect(try await cli.run("db", "migrate", "hr").status == 0)  // nothing pending: a no-op

        _ = try await runProgram("/usr/bin/env", ["sqlite3", repository.root + "/data/hr.db", "INSERT INTO employees (name) VALUES ('ada');"])
        let backup = try await cli.run("db", "backup", "hr")
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        _ = try await runProgram("/usr/bin/env", ["sqlite3", repository.root + "/data/hr.db", "DELETE FROM employees;"])
        let refused = try await cli.run("db", "restore", "hr")  // no --yes and no terminal: refused, nothing changed
        #expect(refused.status != 0)
        let restore = try await cli.run("db", "restore", "hr", "--yes")
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let rows = try await runProgram("/usr/bin/env", ["sqlite3", repository.root + "/data/hr.db", "SELECT name FROM employees;"])
        #expect(rows.stdout == "ada\n")

        // An applied migration edited afterwards is refused, naming the file.
        try repository.write("migrations/V1__employees.sql", "CREATE TABLE employees (id INTEGER PRIMARY KEY);\n")
        let validate = try await cli.run("db", "validate", "hr")
        #expect(validate.status == 1)
        #expect((validate.stdout + validate.stderr).contains("V1__employees.sql"))
    }

    /// Slipway as a Flyway replacement: a file with only `databases:` passes `check` and `db` works with it;
    /// `serve` has nothing to serve and says so, pointing at `slipway db` (exit 8, no daemon left running).
    @Test(.timeLimit(.minutes(2))) func fileWithOnlyDatabasesWorksWithoutADaemon() async throws {
        let repository = try TestRepository(config: """
            databases:
              hr:
                url: sqlite:data/hr.db
                migrations: migrations
            """)
        defer { repository.remove() }
        try FileManager.default.createDirectory(atPath: repository.root + "/migrations", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository.root + "/data", withIntermediateDirectories: true)
        try repository.write("migrations/V1__employees.sql", "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT);\n")
        let cli = CLI(repository: repository)

        let check = try await cli.run("check")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("ok") && check.stdout.contains("1 database(s): hr"))
        for verb in [["db", "migrate", "hr"], ["db", "info", "hr"], ["db", "validate", "hr"], ["db", "backup", "hr"]] {
            let result = try await runProgram(Binaries.slipway, verb + ["--config", repository.configFile], in: repository.root)
            #expect(result.status == 0, "\(verb): \(result.stdout)\(result.stderr)")
        }

        let serve = try await cli.run("serve")
        #expect(serve.status == ExitStatus.configInvalid.rawValue)
        #expect(serve.stderr.contains("nothing to serve"), "\(serve.stderr)")
        #expect(serve.stderr.contains("slipway db"))
        #expect(!FileManager.default.fileExists(atPath: repository.root + "/.slipway/slipway.sock"))
    }
}
