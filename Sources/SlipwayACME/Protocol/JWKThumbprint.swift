import Crypto
import Foundation

/// RFC 7638: the SHA-256 of the key's required members as JSON, names sorted, no whitespace,
/// base64url. The key authorization of a challenge is `token.thumbprint` (RFC 8555 §8.1).
package enum JWKThumbprint {
    /// `members`: the JWK's required members only (`crv`, `kty`, `x`, `y` for EC; `e`, `kty`, `n` for RSA).
    package static func compute(members: [String: String]) -> String {
        Base64URL.encode(SHA256.hash(data: Data(canonicalJSON(members).utf8)))
    }

    /// Sorted by name (Unicode code points: the members are ASCII), values as JSON strings. The
    /// values are base64url or short names: nothing in them needs escaping.
    static func canonicalJSON(_ members: [String: String]) -> String {
        "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}
