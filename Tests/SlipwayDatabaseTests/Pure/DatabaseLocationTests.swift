import SlipwayModel
import Testing
@testable import SlipwayDatabase

@Suite struct DatabaseLocationTests {
    @Test func postgresURLsReadAsLibpqReadsThem() throws {
        let endpoint = try PostgresEndpoint(url: "postgres://app:p%40ss%3Aword@db.internal:6543/hr?sslmode=require")
        #expect(endpoint.user == "app")
        #expect(endpoint.password == "p@ss:word")
        #expect(endpoint.host == "db.internal")
        #expect(endpoint.port == 6543)
        #expect(endpoint.database == "hr")
        #expect(endpoint.sslMode == .require)

        let socket = try PostgresEndpoint(url: "postgresql://app@/hr?host=/var/run/postgresql")
        #expect(socket.socketDirectory == "/var/run/postgresql")
        #expect(socket.host == nil)
        #expect(socket.port == 5432)
        #expect(socket.sslMode == .prefer)
        #expect(socket.libpqArguments == ["--host=/var/run/postgresql", "--port=5432", "--username=app"])
    }

    @Test func thePasswordIsNeverShown() throws {
        let location = try DatabaseLocation(url: "postgres://app:s3cret@[::1]:5432/hr?sslmode=disable", baseDirectory: "/srv")
        #expect(location.redacted == "postgres://app:***@[::1]:5432/hr?sslmode=disable")
        guard case .postgres(let endpoint) = location else { Issue.record("not postgres"); return }
        #expect(!"\(endpoint)".contains("s3cret"))
        #expect(!String(reflecting: endpoint).contains("s3cret"))
        #expect(!endpoint.libpqArguments.joined().contains("s3cret"), "the password goes through PGPASSWORD, not argv")
        #expect(endpoint.libpqEnvironment["PGPASSWORD"] == "s3cret")
    }

    @Test func sqlitePathsAreTakenFromTheConfigDirectory() throws {
        #expect(try DatabaseLocation(url: "sqlite:data/app.db", baseDirectory: "/srv/repo") == .sqlite(path: "/srv/repo/data/app.db"))
        #expect(try DatabaseLocation(url: "sqlite:/var/lib/app.db", baseDirectory: "/srv/repo") == .sqlite(path: "/var/lib/app.db"))
        #expect(try DatabaseLocation(url: "sqlite:///var/lib/app.db", baseDirectory: "/srv/repo") == .sqlite(path: "/var/lib/app.db"))
    }

    @Test(arguments: ["mysql://db/app", "sqlite:", "postgres://app@db:99999/hr", "postgres://db/hr?sslmode=sometimes"])
    func unsupportedURLsAreRefused(_ url: String) {
        #expect(throws: SlipwayError.self) { try DatabaseLocation(url: url, baseDirectory: "/") }
    }
}
