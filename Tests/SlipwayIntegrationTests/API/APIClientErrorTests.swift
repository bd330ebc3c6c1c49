import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A client's mistake is answered with a 4xx and the API's `{code, message, exitCode}`, never a
/// 500 (docs/API.md: the status follows the code, as `ExitStatus.forError` does).
@Suite(.serialized) struct APIClientErrorTests {
    /// A repository with one release of `web` and its daemon, never deployed.
    func withDaemon(_ body: (TestRepository, DaemonSocket) async throws -> Void) async throws {
        try await withDaemonOverV1 { repository, daemon in
            try await body(repository, DaemonSocket(repository))
        }
    }

    @Test func planOfARefThatDoesNotResolveIsA404WithExit2() async throws {
        try await withDaemon { repository, api in
            let bodies = [
                #"{"to": "nosuchref", "actor": "tester"}"#,
                #"{"from": "nosuchref", "to": "HEAD", "actor": "tester"}"#,
                // A name git refuses outright (the reflog has one entry) rather than fails to find.
                #"{"to": "HEAD@{1000}", "actor": "tester"}"#,
            ]
            for body in bodies {
                let answer = try await api.post("/v1/plans", body)
                #expect(answer.status == 404, "\(body): \(answer.status) \(answer.body)")
                #expect(answer.error?.code == .refNotFound, "\(body): \(answer.body)")
                #expect(answer.error?.exitCode == .buildFailed, "\(body): \(answer.body)")
            }
            let named = try await api.post("/v1/plans", #"{"to": "HEAD", "services": ["nosuch"], "actor": "tester"}"#)
            #expect(named.status == 404)
            #expect(named.error?.code == .unknownService)

            let cli = try await CLI(repository: repository).run("plan", "--to", "nosuchref")
            #expect(cli.status == ExitStatus.buildFailed.rawValue, "\(cli.stdout)\(cli.stderr)")
            #expect(cli.stderr.contains(#"ref "nosuchref" does not resolve to a commit"#), "\(cli.stderr)")
        }
    }

    @Test func outputOfAServiceWithoutAnActiveReleaseIsA409WithExit6() async throws {
        try await withDaemon { repository, api in
            let answer = try await api.get("/v1/services/web/output")
            #expect(answer.status == 409, "\(answer.status) \(answer.body)")
            #expect(answer.error?.code == .nothingToRollBack)
            #expect(answer.error?.exitCode == .refused)
            #expect(try await api.get("/v1/services/nosuch/output").status == 404)

            let cli = try await CLI(repository: repository).run("logs", "--service", "web")
            #expect(cli.status == ExitStatus.refused.rawValue, "\(cli.stdout)\(cli.stderr)")
            #expect(cli.stderr.contains("web has no active release"), "\(cli.stderr)")
        }
    }

    /// A number in the query that is not one is refused, never read as the default (docs/API.md).
    @Test func aQueryNumberThatIsNotAPositiveWholeNumberIsA400() async throws {
        try await withDaemon { _, api in
            let refused = [
                ("/v1/deployments?limit=abc", "limit"), ("/v1/deployments?limit=", "limit"), ("/v1/deployments?limit=0", "limit"),
                ("/v1/deployments?limit=2.5", "limit"), ("/v1/audit?limit=abc", "limit"), ("/v1/audit?limit=-3", "limit"),
                ("/v1/services/web/output?lines=abc", "lines"), ("/v1/services/web/output?lines=0", "lines"),
            ]
            for (uri, name) in refused {
                let answer = try await api.get(uri)
                #expect(answer.status == 400, "\(uri): \(answer.status) \(answer.body)")
                #expect(answer.error?.code == .badRequest, "\(uri): \(answer.body)")
                #expect(answer.error?.message.contains("`\(name)`") == true, "\(uri): \(answer.body)")
                #expect(answer.error?.exitCode == .refused, "\(uri): \(answer.body)")
            }
            // Above the maximum is the maximum, as documented ("at most").
            #expect(try await api.get("/v1/deployments?limit=5000").status == 200)
            #expect(try await api.get("/v1/audit?limit=20").status == 200)
        }
    }
}
