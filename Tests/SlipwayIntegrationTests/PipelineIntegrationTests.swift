import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The whole pipeline through the real daemon on a monorepo of three services: changed-service
/// detection, checks, migrations with a verified backup (SQLite), smoke tests, exit codes.
@Suite(.serialized) struct PipelineIntegrationTests {
    static func monorepo() throws -> TestRepository {
        let service = { (name: String, route: String, extra: String) in
            """
              \(name):
                run: '\(Binaries.example)'
                route: { path: \(route) }
                health: { path: /health, interval: 50ms, healthy_threshold: 1, start_timeout: 5s }
                drain_timeout: 5s
                watch: 0s
            \(extra)
            """
        }
        let repository = try TestRepository(config: """
            proxy:
              listen: 127.0.0.1:0
            services:
            \(service("gateway", "/gw", "    paths: [\"services/gateway/**\"]"))
            \(service("hr", "/hr", """
                paths: ["services/hr/**", "libs/common/**"]
                depends_on: [gateway]
                database: hr
                checks:
                  - { name: unit tests, run: sh services/hr/check.sh }
                smoke:
                  - http: { path: /health, expect: { status: 200 } }
                  - run: sh services/hr/smoke.sh
            """))
            \(service("web", "/", "    paths: [\"web/**\", \"libs/common/**\"]"))
            databases:
              hr:
                url: sqlite:.slipway/hr.db
                migrations: services/hr/migrations
            """)
        for directory in ["services/gateway", "services/hr/migrations", "web", "libs/common"] {
            try FileManager.default.createDirectory(atPath: repository.root + "/" + directory, withIntermediateDirectories: true)
        }
        try repository.write("services/gateway/main.txt", "gateway\n")
        try repository.write("services/hr/check.sh", "echo checking hr; exit 0\n")
        try repository.write("services/hr/smoke.sh", "echo smoke against $SLIPWAY_URL; exit 0\n")
        try repository.write("services/hr/migrations/V1__employees.sql", "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT);\n")
        try repository.write("web/index.txt", "web\n")
        try repository.write("libs/common/util.txt", "1\n")
        try repository.write("VERSION", "v1\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "three services")
        return repository
    }

    func commit(_ repository: TestRepository, _ files: [String: String]) throws {
        for (path, text) in files { try repository.write(path, text) }
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "change \(files.keys.sorted().joined(separator: ", "))")
    }

    func tables(_ database: String) async throws -> String {
        try await runProgram("/usr/bin/env", ["sqlite3", database, ".tables"]).stdout
    }

    @Test func changedServicesDeployInDependencyOrderThroughEveryStage() async throws {
        let repository = try Self.monorepo()
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)

        // Never deployed: all three, gateway and web first, hr (which depends on gateway) after.
        let first = try await cli.json(RunPlan.self, "plan", "--changed")
        #expect(first.waves.map { $0.map(\.service) } == [["gateway", "web"], ["hr"]])
        #expect(first.waves[1][0].stages.map(\.rawValue) == ["validate", "checks", "build", "backup", "migrate", "start", "health", "switch", "smoke", "drain", "stop", "prune", "notify"])
        let run = try await cli.json(RunSummary.self, "deploy", "--changed")
        #expect(run.exitCode == .success, "\(run.results)")
        #expect(run.results.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
        let hr = try await cli.json(Deployment.self, "show", try #require(run.results.first { $0.service == "hr" }?.deploymentID))
        #expect(hr.migrations == ["V1__employees.sql"])
        #expect(hr.backup != nil)
        #expect(hr.rollbackDeadline != nil)
        #expect(try await tables(repository.root + "/.slipway/hr.db").contains("employees"))
        #expect(try await LoopbackHTTP.get(daemon.url + "/hr").body == "hello from v1\n")

        // One service's path, then a shared library: exactly the services whose paths match.
        try commit(repository, ["services/hr/notes.txt": "x\n"])
        #expect(try await cli.json(RunPlan.self, "plan", "--changed").waves.map { $0.map(\.service) } == [["hr"]])
        try commit(repository, ["libs/common/util.txt": "2\n"])
        let shared = try await cli.json(RunPlan.self, "plan", "--changed")
        #expect(shared.waves.map { $0.map(\.service) } == [["hr", "web"]])
        #expect(try await cli.run("deploy", "--changed").status == 0)
        #expect(try await cli.json(RunPlan.self, "plan", "--changed").waves.isEmpty)
    }

    /// The monorepo deployed once (v1 everywhere), then `change` committed and `hr` deployed again.
    func deployHR(after change: [String: String], _ check: (TestRepository, DaemonProcess, CommandResult) async throws -> Void) async throws {
        let repository = try Self.monorepo()
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "--changed").status == 0)
        try commit(repository, change.merging(["VERSION": "v2\n"]) { mine, _ in mine })
        try await check(repository, daemon, try await cli.run("deploy", "hr"))
        // Whatever failed, v1 still serves.
        #expect(try await LoopbackHTTP.get(daemon.url + "/hr").body == "hello from v1\n")
    }

    @Test func failingCheckDeploysNothingWithExit1() async throws {
        try await deployHR(after: ["services/hr/check.sh": "echo 3 tests failed; exit 1\n"]) { _, _, result in
            #expect(result.status == 1)
            #expect(result.stdout.contains("3 tests failed"))
        }
    }

    @Test func failingSmokeTestRollsBackWithExit4() async throws {
        try await deployHR(after: ["services/hr/smoke.sh": "echo employees endpoint broken; exit 1\n"]) { _, _, result in
            #expect(result.status == 4, "\(result.stdout)")
            #expect(result.stdout.contains("employees endpoint broken"))
        }
    }

    @Test func failedMigrationLeavesThePreviousReleaseServingAndTheSchemaUnchanged() async throws {
        let broken = ["services/hr/migrations/V2__broken.sql": "CREATE TABLE timezones (id INTEGER);\nTHIS IS NOT SQL;\n"]
        try await deployHR(after: broken) { repository, _, result in
            #expect(result.status == 3, "\(result.stdout)")
            #expect(result.stdout.contains("V2__broken.sql"))
            #expect(result.stdout.contains("slipway db restore hr"))
            let schema = try await tables(repository.root + "/.slipway/hr.db")
            #expect(!schema.contains("timezones"))
        }
    }

    @Test func theMigrationsAreTheDeployedCommitsNotTheWorkTrees() async throws {
        let added = ["services/hr/migrations/V2__timezones.sql": "CREATE TABLE timezones (id INTEGER);\n"]
        let repository = try Self.monorepo()
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "--changed").status == 0)
        try commit(repository, added.merging(["VERSION": "v2\n"]) { mine, _ in mine })
        try repository.write("services/hr/migrations/V3__uncommitted.sql", "CREATE TABLE drafts (id INTEGER);\n")
        // Written to the work tree, not committed: a deployment must not apply it.
        let record = try await cli.json(Deployment.self, "deploy", "hr")
        #expect(record.exitCode == .success, "\(record.message ?? "")")
        #expect(record.migrations == ["V2__timezones.sql"])
        #expect(record.backup != nil)
        let schema = try await tables(repository.root + "/.slipway/hr.db")
        #expect(schema.contains("timezones"))
        #expect(!schema.contains("drafts"))
        // The build ran beside backup → migrate: all three recorded, then the start.
        let names = record.stages.map(\.name.rawValue)
        #expect(Array(names.prefix(2)) == ["validate", "checks"])
        #expect(Set(names[2..<5]) == ["build", "backup", "migrate"])
        #expect(names[5] == "start")
        #expect(try await LoopbackHTTP.get(daemon.url + "/hr").body == "hello from v2\n")
    }
}
