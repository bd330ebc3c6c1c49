import Foundation
import Testing

/// `slipway check` of a file with `environments:`: each service once, the environments named, and
/// `--json` listing each environment's listener and services.
@Suite struct CheckEnvironmentsTests {
    struct Summary: Decodable, Equatable {
        struct Environment: Decodable, Equatable {
            var name: String
            var listen: String
            var services: [String]
        }

        var valid: Bool
        var services: [String]
        var environments: [Environment]
        var issues: [String]
    }

    static let config = """
    services:
      web: { run: ./web }
      api: { run: ./api, route: { path: /api } }
    environments:
      staging:
        proxy: { listen: 127.0.0.1:8081 }
      production:
        proxy: { listen: 127.0.0.1:8082 }
        promote_from: staging

    """

    @Test func checkNamesTheEnvironments() async throws {
        let repository = try TestRepository(config: Self.config)
        defer { repository.remove() }
        let cli = CLI(repository: repository)

        let check = try await cli.run("check")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("ok (2 service(s): web, api; 2 environment(s): staging, production)"),
                "\(check.stdout)")

        let summary = try await cli.json(Summary.self, "check")
        #expect(summary == Summary(valid: true, services: ["web", "api"], environments: [
            .init(name: "staging", listen: "127.0.0.1:8081", services: ["web", "api"]),
            .init(name: "production", listen: "127.0.0.1:8082", services: ["web", "api"]),
        ], issues: []))
    }

    @Test func checkWithoutEnvironmentsListsTheDefaultOneInJSONOnly() async throws {
        let repository = try TestRepository(config: """
            proxy: { listen: 127.0.0.1:9000 }
            services:
              web: { run: ./web }

            """)
        defer { repository.remove() }
        let cli = CLI(repository: repository)

        let check = try await cli.run("check")
        #expect(check.stdout.hasSuffix(": ok (1 service(s): web)\n"), "\(check.stdout)")
        let summary = try await cli.json(Summary.self, "check")
        #expect(summary.environments == [.init(name: "default", listen: "127.0.0.1:9000", services: ["web"])])
    }

    @Test func checkReportsAnEnvironmentIssueWithItsLine() async throws {
        let repository = try TestRepository(config: Self.config.replacingOccurrences(of: "promote_from: staging",
                                                                                    with: "promote_from: stagin"))
        defer { repository.remove() }
        let check = try await CLI(repository: repository).run("check")
        #expect(check.status == 8)
        #expect(check.stderr.contains(#"slipway.yml:9:5: environments.production.promote_from: no environment named "stagin""#),
                "\(check.stderr)")
    }
}
