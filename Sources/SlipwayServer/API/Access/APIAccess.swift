import Foundation
import Hummingbird
import SlipwayModel

/// Who may call the API, and the tokens that say so. Every refusal is an audit entry naming the
/// remote address and the route, never what was presented.
struct APIAccess: Sendable {
    let tokens: any TokenStore
    let audit: @Sendable (AuditEntry) async -> Void
    let now: @Sendable () -> Date

    /// The actor of unauthenticated requests in the audit trail: nobody was established.
    static let anonymous = "anonymous"

    /// The caller of a TCP request: the token in `Authorization: Bearer TOKEN`, compared by its hash
    /// with every stored one. None, or one that is unknown or revoked: `unauthenticated` (401).
    func authenticate(authorization: String?, address: String, route: String) async throws -> Caller {
        guard let presented = Self.bearer(authorization) else {
            await refuse(.apiUnauthenticated, address: address, route: route, why: "no bearer token")
            throw SlipwayError(.unauthenticated, "this API needs a bearer token: send `Authorization: Bearer TOKEN` "
                               + "(the CLI sends $SLIPWAY_TOKEN; an admin creates one with `slipway token create NAME --role ROLE`)")
        }
        let hash = BearerToken.hash(presented)
        var found: APIToken?
        // Every stored hash is compared, whichever matches: the time taken does not say which.
        for (token, stored) in try await tokens.tokenCredentials() where BearerToken.constantTimeEqual(stored, hash) {
            found = token
        }
        guard let token = found else {
            await refuse(.apiUnauthenticated, address: address, route: route, why: "a bearer token that is unknown or revoked")
            throw SlipwayError(.unauthenticated, "the bearer token is not valid: unknown or revoked "
                               + "(an admin lists them with `slipway token list`)")
        }
        let at = now()
        // At most one write a minute per token, not one per request.
        if token.lastUsedAt.map({ at.timeIntervalSince($0) >= 60 }) ?? true {
            try? await tokens.markTokenUsed(name: token.name, at: at)
        }
        return Caller(name: token.name, role: token.role, address: address)
    }

    /// Refuses (403, audited) a caller whose role is below the endpoint's.
    func authorize(_ caller: Caller?, for endpoint: APIEndpoint) async throws -> Caller {
        guard let caller else {
            // A route reached without a middleware that established the caller is a bug: refuse.
            throw SlipwayError(.internalError, "no caller was established for \(endpoint.described)")
        }
        guard let role = endpoint.role else {
            throw SlipwayError(.internalError, "\(endpoint.described) is authenticated by its signature, not by a caller")
        }
        guard caller.may(role) else {
            await audit(AuditEntry(at: now(), actor: caller.name, action: .apiForbidden,
                                   detail: "\(endpoint.described) from \(caller.address) refused: it needs the role "
                                       + "\(role), the token \(caller.name) has \(caller.role)"))
            throw SlipwayError(.forbidden, "\(endpoint.described) needs the role \(role) or above; "
                               + "the token \(caller.name) has the role \(caller.role)")
        }
        return caller
    }

    /// Refuses a part of a request that needs a higher role than its route (a rollback's
    /// `--override` needs `admin`): audited and answered 403, as a route's role is.
    func refuse(_ caller: Caller, _ what: String, needs role: Role) async throws {
        await audit(AuditEntry(at: now(), actor: caller.name, action: .apiForbidden,
                               detail: "\(what) from \(caller.address) refused: it needs the role \(role), \(caller.name) has \(caller.role)"))
        throw SlipwayError(.forbidden, "\(what) needs the role \(role) or above; \(caller.name) has the role \(caller.role)")
    }

    // MARK: tokens

    func create(_ request: TokenCreateRequest, by caller: Caller) async throws -> TokenCreated {
        guard APIToken.isValidName(request.name) else {
            throw SlipwayError(.badRequest, "invalid token name \(Self.quoted(request.name)): \(APIToken.nameRule)")
        }
        let value = BearerToken.generate()
        let token = APIToken(name: request.name, role: request.role, createdAt: now(), createdBy: caller.name)
        try await tokens.createToken(token, hash: BearerToken.hash(value))
        await audit(AuditEntry(at: token.createdAt, actor: caller.name, action: .tokenCreated,
                               detail: "created the API token \(token.name) with the role \(token.role)"))
        return TokenCreated(token: token, value: value)
    }

    func list() async throws -> [APIToken] {
        try await tokens.tokens()
    }

    func revoke(name: String, by caller: Caller) async throws -> APIToken {
        let token = try await tokens.revokeToken(name: name)
        await audit(AuditEntry(at: now(), actor: caller.name, action: .tokenRevoked,
                               detail: "revoked the API token \(token.name) (role \(token.role), created by \(token.createdBy))"))
        return token
    }

    // MARK: helpers

    private func refuse(_ action: AuditAction, address: String, route: String, why: String) async {
        await audit(AuditEntry(at: now(), actor: Self.anonymous, action: action,
                               detail: "\(route) from \(address) refused: \(why)"))
    }

    /// The token of an `Authorization: Bearer TOKEN` header (the scheme in any case, RFC 9110); nil
    /// when there is none.
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
    }
}
