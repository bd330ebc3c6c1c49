import Foundation
import GRDB
import SlipwayModel

/// The TCP API's bearer tokens (`api_token`): name, role, who created it and when, and the SHA-256
/// of its value. The value itself is never stored.
extension SQLiteReleaseStore {
    /// Records a new token; a name already taken is `tokenExists`, and nothing is written.
    package func createToken(_ token: APIToken, hash: Data) async throws {
        let created = try await write { db -> Bool in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM api_token WHERE name = ?", arguments: [token.name]) == nil else {
                return false
            }
            try db.execute(sql: """
                INSERT INTO api_token (name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)
                """, arguments: [token.name, token.role.rawValue, hash, token.createdAt.timeIntervalSince1970, token.createdBy])
            return true
        }
        guard created else {
            throw SlipwayError(.tokenExists, "a token named \(token.name) already exists; revoke it first "
                               + "(`slipway token revoke \(token.name)`) or choose another name")
        }
    }

    /// Every token, by name; without their hashes.
    package func tokens() async throws -> [APIToken] {
        try await tokenRows().map(\.token)
    }

    /// Every token with the hash a presented value is compared with.
    package func tokenCredentials() async throws -> [(token: APIToken, hash: Data)] {
        try await tokenRows()
    }

    private func tokenRows() async throws -> [(token: APIToken, hash: Data)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, hash, created_at, created_by, last_used_at FROM api_token ORDER BY name")
                .map(Self.tokenRow)
        }
    }

    private static func tokenRow(_ row: Row) throws -> (token: APIToken, hash: Data) {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else {
            throw SlipwayError(.storeFailed, "token \(row["name"] as String) has an unknown role \(roleText) in the state database")
        }
        let lastUsed: Double? = row["last_used_at"]
        let token = APIToken(name: row["name"], role: role, createdAt: Date(timeIntervalSince1970: row["created_at"]),
                             createdBy: row["created_by"], lastUsedAt: lastUsed.map(Date.init(timeIntervalSince1970:)))
        return (token, row["hash"])
    }

    /// Deletes the token named `name` (one transaction: two revocations cannot both succeed) and
    /// answers it; `unknownToken` when there is none.
    package func revokeToken(name: String) async throws -> APIToken {
        let (revoked, names) = try await write { db -> (APIToken?, [String]) in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT name, role, hash, created_at, created_by, last_used_at FROM api_token WHERE name = ?
                """, arguments: [name]) else {
                return (nil, try String.fetchAll(db, sql: "SELECT name FROM api_token ORDER BY name"))
            }
            try db.execute(sql: "DELETE FROM api_token WHERE name = ?", arguments: [name])
            return (try Self.tokenRow(row).token, [])
        }
        guard let revoked else {
            let known = names.isEmpty ? "there are no tokens" : "the tokens are " + names.joined(separator: ", ")
            throw SlipwayError(.unknownToken, "no token named \(name); \(known)")
        }
        return revoked
    }

    package func markTokenUsed(name: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE api_token SET last_used_at = ? WHERE name = ?", arguments: [date.timeIntervalSince1970, name])
        }
    }
}
