import Foundation
import Testing

/// The PostgreSQL server `scripts/ensure-postgres.sh` started: its URL comes from
/// `SLIPWAY_TEST_POSTGRES_URL`, else from the file the script writes. Each test gets a database of its
/// own, dropped afterwards. Without a server the PostgreSQL tests skip, unless `CI` is set: then they run
/// and fail, so a CI run without PostgreSQL cannot pass silently.
enum TestPostgres {
    static let url: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["SLIPWAY_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        let file = environment["SLIPWAY_TEST_POSTGRES_URL_FILE"]
            ?? (environment["TMPDIR"] ?? "/tmp") + "/slipway-test-postgres.url"
        return (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Why the PostgreSQL tests did not run.
    static let notReachable: Comment = "PostgreSQL not reachable: run scripts/ensure-postgres.sh (with CI set, these fail instead)"

    /// Whether the PostgreSQL suites run: always under CI, else when the server answers.
    static let enabled: Bool = isCI || reachable

    static let reachable: Bool = {
        guard let url else { return false }
        let answer = try? TestProcess.runBlocking(psqlArguments(url, "SELECT 1"), environment: ["PGCONNECT_TIMEOUT": "3"])
        return answer?.status == 0 && answer?.stdout == "1"
    }()

    /// Runs `body` with the URL of a fresh database, dropped afterwards with everything named after it
    /// (a restore keeps the replaced database as `<name>_before_restore_...`).
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        guard let url, reachable else {
            Issue.record("PostgreSQL is not reachable (SLIPWAY_TEST_POSTGRES_URL=\(url == nil ? "unset" : "set")); run scripts/ensure-postgres.sh")
            return
        }
        let name = "slipway_t_\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        try await psql(url, "CREATE DATABASE \(name)")
        do {
            try await body(replacingDatabase(in: url, with: name))
        } catch {
            await drop(prefix: name)
            throw error
        }
        await drop(prefix: name)
    }

    private static func drop(prefix: String) async {
        guard let url, let names = try? await psql(url, "SELECT datname FROM pg_database WHERE starts_with(datname, '\(prefix)')") else {
            return
        }
        for name in names.split(separator: "\n") {
            _ = try? await psql(url, "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }

    /// psql's unaligned, tuples-only output of `sql`, trimmed; throws with psql's stderr on failure.
    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        try await TestProcess.output(psqlArguments(url, sql), environment: ["PGCONNECT_TIMEOUT": "3"])
    }

    private static func psqlArguments(_ url: String, _ sql: String) -> [String] {
        [psqlPath, url, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql]
    }

    static var psqlPath: String {
        let candidates = ["/usr/bin/psql"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/psql" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
    }
}
