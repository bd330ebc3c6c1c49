import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayModel
import Synchronization
import Testing
@testable import SlipwayServer

/// Who may call the API: tokens compared by hash, roles checked against the one table of routes,
/// every refusal audited without the token.
@Suite struct APIAccessTests {
    final class MemoryTokens: TokenStore, Sendable {
        let rows = Mutex<[(token: APIToken, hash: Data)]>([])

        func createToken(_ token: APIToken, hash: Data) async throws {
            try rows.withLock { rows in
                guard !rows.contains(where: { $0.token.name == token.name }) else { throw SlipwayError(.tokenExists, "exists") }
                rows.append((token, hash))
            }
        }
        func tokens() async throws -> [APIToken] { rows.withLock { $0.map(\.token) } }
        func tokenCredentials() async throws -> [(token: APIToken, hash: Data)] { rows.withLock { $0 } }
        func revokeToken(name: String) async throws -> APIToken {
            try rows.withLock { rows in
                guard let index = rows.firstIndex(where: { $0.token.name == name }) else { throw SlipwayError(.unknownToken, "none") }
                return rows.remove(at: index).token
            }
        }
        func markTokenUsed(name: String, at date: Date) async throws {
            rows.withLock { rows in
                for index in rows.indices where rows[index].token.name == name { rows[index].token.lastUsedAt = date }
            }
        }
    }

    final class AuditLog: Sendable {
        let entries = Mutex<[AuditEntry]>([])
        func append(_ entry: AuditEntry) { entries.withLock { $0.append(entry) } }
        var all: [AuditEntry] { entries.withLock { $0 } }
    }

    static func access() -> (APIAccess, MemoryTokens, AuditLog) {
        let tokens = MemoryTokens()
        let audit = AuditLog()
        return (APIAccess(tokens: tokens, audit: { audit.append($0) }, now: { Date(timeIntervalSince1970: 1_000_000) }), tokens, audit)
    }

    static let admin = Caller(name: "alice", role: .admin, address: "the unix socket")

    @Test func everyEndpointNeedsARoleReadsAreViewersTokensAreAdmins() {
        for endpoint in APIEndpoint.allCases {
            if endpoint.method == .get && ![.listTokens].contains(endpoint) { #expect(endpoint.role == .viewer, "\(endpoint)") }
        }
        for endpoint in [APIEndpoint.deploy, .rollback, .plan, .run] { #expect(endpoint.role == .deployer) }
        for endpoint in [APIEndpoint.listTokens, .createToken, .revokeToken] { #expect(endpoint.role == .admin) }
        #expect(APIEndpoint.deploy.described == "POST /v1/deployments")
        #expect(APIEndpoint.revokeToken.described == "DELETE /v1/tokens/:name")
        // No two endpoints share a method and path.
        #expect(Set(APIEndpoint.allCases.map(\.described)).count == APIEndpoint.allCases.count)
    }

    @Test func aCreatedTokenAuthenticatesAsItsNameUntilRevoked() async throws {
        let (access, tokens, audit) = Self.access()
        let created = try await access.create(TokenCreateRequest(name: "ci", role: .deployer), by: Self.admin)
        #expect(created.value.hasPrefix("slw_") && created.value.count == 68)
        #expect(created.token.createdBy == "alice")
        // Only the hash is kept.
        let stored = try await tokens.tokenCredentials()
        #expect(stored.first?.hash == BearerToken.hash(created.value))
        #expect(stored.first?.hash.count == 32)

        let caller = try await access.authenticate(authorization: "Bearer \(created.value)", address: "10.0.0.7:4000", route: "GET /v1/status")
        #expect(caller == Caller(name: "ci", role: .deployer, address: "10.0.0.7:4000"))
        #expect(try await access.authenticate(authorization: "bearer  \(created.value)", address: "a", route: "r").name == "ci")
        #expect(try await tokens.tokens().first?.lastUsedAt != nil)
        _ = try await access.authorize(caller, for: .deploy)
        await #expect(throws: SlipwayError.self) { try await access.authorize(caller, for: .createToken) }

        _ = try await access.revoke(name: "ci", by: Self.admin)
        do {
            _ = try await access.authenticate(authorization: "Bearer \(created.value)", address: "10.0.0.7:4000", route: "GET /v1/status")
            Issue.record("a revoked token authenticated")
        } catch let error as SlipwayError {
            #expect(error.code == .unauthenticated)
        }
        let actions = audit.all.map(\.action)
        #expect(actions == [.tokenCreated, .apiForbidden, .tokenRevoked, .apiUnauthenticated])
        #expect(!audit.all.contains { $0.detail.contains(created.value) || $0.detail.contains(created.value.dropFirst(4)) })
        #expect(audit.all.last?.detail == "GET /v1/status from 10.0.0.7:4000 refused: a bearer token that is unknown or revoked")
    }

    @Test(arguments: [nil, "", "Bearer", "Bearer ", "Basic YTpi", "Token slw_x", "slw_x"])
    func headersWithoutABearerTokenAreRefused(header: String?) async throws {
        let (access, _, audit) = Self.access()
        _ = try await access.create(TokenCreateRequest(name: "ci", role: .admin), by: Self.admin)
        await #expect(throws: SlipwayError.self) {
            try await access.authenticate(authorization: header, address: "127.0.0.1:1", route: "GET /v1/status")
        }
        #expect(audit.all.last?.action == .apiUnauthenticated)
        #expect(audit.all.last?.actor == "anonymous")
    }

    @Test func hashesAreComparedWhole() {
        let a = BearerToken.hash("slw_a")
        #expect(BearerToken.constantTimeEqual(a, a))
        #expect(!BearerToken.constantTimeEqual(a, BearerToken.hash("slw_b")))
        #expect(!BearerToken.constantTimeEqual(a, a.prefix(31)))
        #expect(BearerToken.generate() != BearerToken.generate())
    }

    @Test func unauthenticatedAnswersNameTheBearerScheme() async throws {
        let (access, _, _) = Self.access()
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware(redactor: Redactor()))
        router.add(middleware: BearerAuthentication(access: access))
        router.get("/v1/status") { _, _ in "ok" }
        let app = Application(responder: router.buildResponder())
        try await app.test(.live) { client in
            try await client.execute(uri: "/v1/status", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="slipway""#)
                let error = try APICoding.decoder().decode(APIError.self, from: Data(response.body.readableBytesView))
                #expect(error.code == .unauthenticated)
                #expect(error.exitCode == .notAuthorized)
            }
        }
    }
}
