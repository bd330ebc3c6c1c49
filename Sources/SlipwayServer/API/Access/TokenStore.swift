import Foundation
import SlipwayModel
import SlipwayStore

/// Where the API's tokens are kept: their names, roles and hashes, never their values.
protocol TokenStore: Sendable {
    func createToken(_ token: APIToken, hash: Data) async throws
    func tokens() async throws -> [APIToken]
    func tokenCredentials() async throws -> [(token: APIToken, hash: Data)]
    func revokeToken(name: String) async throws -> APIToken
    func markTokenUsed(name: String, at date: Date) async throws
}

extension SQLiteReleaseStore: TokenStore {}
