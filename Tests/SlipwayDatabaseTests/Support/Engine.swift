import Testing

/// The engines every shared scenario runs against: SQLite files in a temporary project, and the real
/// PostgreSQL server of scripts/ensure-postgres.sh.
enum Engine: CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The engines the shared scenarios run on: PostgreSQL only when its tests run at all (when it answers,
    /// or always under `CI`, where its absence must fail). Without it, outside CI, they run on SQLite alone
    /// and the PostgreSQL-only tests report the skip.
    static var available: [Engine] {
        TestPostgres.enabled ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A statement that runs for far longer than any timeout: only an interrupt ends it.
    var endlessStatement: String {
        switch self {
        case .sqlite: SQLiteDatabase.endlessCount
        case .postgres: "SELECT pg_sleep(10);"
        }
    }

    /// What a lock timeout says of the migrator holding the lock (PostgreSQL: its application_name).
    var lockHolder: String {
        switch self {
        case .sqlite: "another connection"
        case .postgres: "slipway migrate app"
        }
    }

    /// The tool that writes a backup, and the tools a backup's manifest records.
    var backupTool: String {
        switch self {
        case .sqlite: "gzip"
        case .postgres: "pg_dump"
        }
    }

    var backupTools: [String] {
        switch self {
        case .sqlite: ["sqlite", "gzip"]
        case .postgres: ["pg_dump", "postgres"]
        }
    }

    /// Runs `body` with a fresh project and a fresh database of this engine.
    func run(_ body: (MigrationProject, any ScenarioDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await Self.withSQLite { try await body($0, $1) }
        case .postgres: try await Self.withPostgres { try await body($0, $1) }
        }
    }

    /// A fresh project with its SQLite file (`sqlite:app.db`, not created yet).
    static func withSQLite(_ body: (MigrationProject, SQLiteDatabase) async throws -> Void) async throws {
        let project = try MigrationProject()
        try await body(project, SQLiteDatabase(project))
    }

    /// A fresh project and a PostgreSQL database of its own, dropped afterwards.
    static func withPostgres(_ body: (MigrationProject, PostgresDatabase) async throws -> Void) async throws {
        let project = try MigrationProject()
        try await TestPostgres.withDatabase { url in try await body(project, PostgresDatabase(url: url)) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when PostgreSQL answers, or when `CI` is set (where its absence must fail).
    static var needsPostgres: Self {
        .enabled(if: TestPostgres.enabled, TestPostgres.notReachable)
    }
}
