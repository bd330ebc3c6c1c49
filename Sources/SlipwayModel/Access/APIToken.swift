import Foundation

/// A bearer token of the TCP API as the daemon lists it: never its value nor its hash.
package struct APIToken: Sendable, Codable, Equatable {
    package var name: String
    package var role: Role
    package var createdAt: Date
    /// The actor who created it.
    package var createdBy: String
    /// When a request last presented it (recorded at most once a minute); nil: never used.
    package var lastUsedAt: Date?

    package init(name: String, role: Role, createdAt: Date, createdBy: String, lastUsedAt: Date? = nil) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
    }

    /// A token's name is the actor its requests are recorded under, shown in tables and audit lines:
    /// letters, digits and `.`, `_`, `@`, `-`, starting with a letter or digit, at most 64.
    package static let nameRule = "a token name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"

    package static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
              first.isASCIIAlphanumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "._@-".unicodeScalars.contains($0) }
    }
}

/// `POST /v1/tokens`.
package struct TokenCreateRequest: Sendable, Codable, Equatable {
    package var name: String
    package var role: Role

    package init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// The answer to `POST /v1/tokens`: the only place the token's value ever appears.
package struct TokenCreated: Sendable, Codable, Equatable {
    package var token: APIToken
    /// The bearer token itself (`slw_` and 64 hex digits); only its SHA-256 hash is kept.
    package var value: String

    package init(token: APIToken, value: String) {
        self.token = token
        self.value = value
    }
}

private extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
