import Foundation
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The TCP API (`api:`): every request carries a bearer token whose name is the actor; no token or a
/// wrong one is a 401, a role too low a 403, both audited with the remote address and never the
/// token. Tokens are created, listed and revoked through the daemon; only their hashes are kept.
@Suite(.serialized) struct APITokenIntegrationTests {
    /// A repository with v1 and the TCP API, a daemon over it, and the CLI over the unix socket.
    func withTCPDaemon(_ body: (TestRepository, DaemonProcess, String, CLI) async throws -> Void) async throws {
        let repository = try TestRepository(config: TestRepository.configWithAPI())
        defer { repository.remove() }
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let api = try await daemon.tcpAPI()
        #expect(api.hasPrefix("http://127.0.0.1:"))
        try await body(repository, daemon, api, CLI(repository: repository))
    }

    func createToken(_ cli: CLI, _ name: String, role: Role) async throws -> TokenCreated {
        let created = try await cli.json(TokenCreated.self, "token", "create", name, "--role", role.rawValue)
        #expect(created.token.name == name)
        #expect(created.token.role == role)
        #expect(created.value.hasPrefix("slw_") && created.value.count == 68)
        return created
    }

    @Test func requestsWithoutAValidTokenAre401AndAudited() async throws {
        try await withTCPDaemon { repository, daemon, api, cli in
            let tcp = TCPAPI(base: api)
            let wrong = "slw_" + String(repeating: "0f", count: 32)
            for (token, authorization) in [(nil, nil), (wrong, nil), (nil, "Basic dXNlcjpwYXNz"), (nil, "Bearer ")] as [(String?, String?)] {
                for (method, path) in [(HTTPMethodName.get, "/v1/status"), (.post, "/v1/deployments"), (.get, "/v1/nosuch")] {
                    let answer = try await tcp.send(method.nio, path, token: token, body: method == .post ? #"{"service": "web"}"# : nil,
                                                    authorization: authorization)
                    #expect(answer.status == 401, "\(path): \(answer.body)")
                    #expect(answer.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
                    let error = try #require(answer.error, "\(answer.body)")
                    #expect(error.code == .unauthenticated)
                    #expect(error.exitCode == .notAuthorized)
                }
            }
            // Nothing was deployed; each refusal is in the audit trail with the address, never the token.
            #expect(try await cli.json([Deployment].self, "history").isEmpty)
            let refused = try await cli.json([AuditEntry].self, "audit").filter { $0.action == .apiUnauthenticated }
            #expect(refused.count == 12)
            #expect(refused.allSatisfy { $0.actor == "anonymous" && $0.detail.contains("from 127.0.0.1:") })
            #expect(refused.contains { $0.detail.contains("POST /v1/deployments") && $0.detail.contains("no bearer token") })
            #expect(refused.contains { $0.detail.contains("unknown or revoked") })
            #expect(!refused.contains { $0.detail.contains(wrong) || $0.detail.contains("dXNlcjpwYXNz") })

            // The CLI over TCP says so and exits with the documented code.
            let anonymous = try await remoteCLI(repository, api: api, token: nil).run("status")
            #expect(anonymous.status == ExitStatus.notAuthorized.rawValue, "\(anonymous.stdout)\(anonymous.stderr)")
            #expect(anonymous.stderr.contains("bearer token") && anonymous.stderr.contains("SLIPWAY_TOKEN is not set"))
            let forged = try await remoteCLI(repository, api: api, token: wrong).run("status")
            #expect(forged.status == ExitStatus.notAuthorized.rawValue)
            #expect(forged.stderr.contains("not valid"))
            #expect(!forged.stderr.contains(wrong))
        }
    }

    @Test func rolesAreEnforcedAndTheTokenNamesTheActor() async throws {
        try await withTCPDaemon { repository, daemon, api, cli in
            let viewer = try await createToken(cli, "dashboard", role: .viewer)
            let deployer = try await createToken(cli, "ci", role: .deployer)
            #expect(viewer.token.createdBy == currentUserName)

            // A viewer reads, and is refused a deploy (403) and the tokens.
            let asViewer = remoteCLI(repository, api: api, token: viewer.value)
            let status = try await asViewer.status()
            #expect(status.services.map(\.name) == ["web"])
            let refused = try await asViewer.run("deploy", "web", "--ref", "v1")
            #expect(refused.status == ExitStatus.notAuthorized.rawValue, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("needs the role deployer"), "\(refused.stderr)")
            let answer = try await TCPAPI(base: api).send(.POST, "/v1/deployments", token: viewer.value, body: #"{"service": "web"}"#)
            #expect(answer.status == 403)
            #expect(answer.error?.code == .forbidden)

            // A deployer deploys; the record and the audit trail name the token, not what the body says.
            let asDeployer = remoteCLI(repository, api: api, token: deployer.value)
            let deployed = try await asDeployer.json(Deployment.self, "deploy", "web", "--ref", "v1")
            #expect(deployed.outcome == .succeeded)
            #expect(deployed.actor == "ci")
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body.contains("v1"))
            let forgedActor = try await TCPAPI(base: api).send(.POST, "/v1/plans", token: deployer.value, body: #"{"actor": "root"}"#)
            #expect(forgedActor.status == 200, "\(forgedActor.body)")
            let tokensAsDeployer = try await asDeployer.run("token", "list")
            #expect(tokensAsDeployer.status == ExitStatus.notAuthorized.rawValue)
            #expect(tokensAsDeployer.stderr.contains("needs the role admin"))

            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .deployStarted && $0.actor == "ci" })
            #expect(audit.contains { $0.action == .apiForbidden && $0.actor == "dashboard" && $0.detail.contains("POST /v1/deployments") })
            #expect(audit.contains { $0.action == .apiForbidden && $0.actor == "ci" && $0.detail.contains("GET /v1/tokens") })
            #expect(audit.contains { $0.action == .tokenCreated && $0.actor == currentUserName && $0.detail.contains("ci") })
            let history = try await asViewer.json([Deployment].self, "history")
            #expect(history.first?.actor == "ci")

            // Revoked: the very next request with it is a 401.
            let revoked = try await cli.run("token", "revoke", "ci")
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let afterRevoke = try await asDeployer.run("status")
            #expect(afterRevoke.status == ExitStatus.notAuthorized.rawValue)
            #expect(try await TCPAPI(base: api).send(.GET, "/v1/status", token: deployer.value).status == 401)
            #expect(try await cli.json([AuditEntry].self, "audit").contains { $0.action == .tokenRevoked && $0.actor == currentUserName })

            // The listing never shows a value nor a hash; the values are nowhere on disk nor in the daemon's output.
            let listed = try await cli.run("token", "list", "--json")
            #expect(listed.status == 0)
            let tokens = try APICoding.decoder().decode([APIToken].self, from: Data(listed.stdout.utf8))
            #expect(tokens.map(\.name) == ["dashboard"])
            #expect(tokens.first?.lastUsedAt != nil)
            let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
            #expect(Set(object?.first?.keys.map { $0 } ?? []) == ["name", "role", "createdAt", "createdBy", "lastUsedAt"])
            let human = try await cli.run("token", "list")
            #expect(human.stdout.contains("dashboard") && human.stdout.contains("viewer"))
            for value in [viewer.value, deployer.value] {
                let secret = String(value.dropFirst(4))
                for output in [listed.stdout, human.stdout, daemon.output.contents] { #expect(!output.contains(secret)) }
                #expect(filesHolding(secret, under: repository.root + "/.slipway").isEmpty)
                #expect(filesHolding(String(secret.prefix(16)), under: repository.root + "/.slipway").isEmpty)
            }
        }
    }

    @Test func tokenNamesAndRolesAreCheckedClearly() async throws {
        try await withTCPDaemon { repository, daemon, api, cli in
            _ = try await createToken(cli, "ops", role: .admin)
            let duplicate = try await cli.run("token", "create", "ops", "--role", "viewer")
            #expect(duplicate.status == ExitStatus.refused.rawValue)
            #expect(duplicate.stderr.contains("a token named ops already exists"), "\(duplicate.stderr)")
            let badRole = try await cli.run("token", "create", "bot", "--role", "root")
            #expect(badRole.status != 0)
            #expect(badRole.stderr.contains("viewer, deployer, approver, admin"), "\(badRole.stderr)")
            let badName = try await cli.run("token", "create", "bad name", "--role", "viewer")
            #expect(badName.status == ExitStatus.refused.rawValue)
            #expect(badName.stderr.contains("invalid token name"), "\(badName.stderr)")
            let unknown = try await cli.run("token", "revoke", "nobody")
            #expect(unknown.status == ExitStatus.refused.rawValue)
            #expect(unknown.stderr.contains("no token named nobody"), "\(unknown.stderr)")
            // Only ops exists: nothing else was created by the refused ones.
            #expect(try await cli.json([APIToken].self, "token", "list").map(\.name) == ["ops"])
        }
    }
}

/// The methods the tests send, as NIO names them.
enum HTTPMethodName {
    case get, post
    var nio: NIOHTTP1.HTTPMethod { self == .get ? .GET : .POST }
}
