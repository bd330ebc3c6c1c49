import Crypto
import Foundation

/// The ACME account's key: ECDSA P-256, signing every request as ES256 (RFC 7518 §3.4). Kept as
/// PEM (PKCS#8) in `<state>/acme/account.key`, 0600: whoever holds it can revoke the account's certificates.
package struct AccountKey: Sendable {
    /// The scalar: Crypto's key type is not `Sendable` on every platform, its bytes are.
    private let raw: Data

    package init() {
        raw = P256.Signing.PrivateKey().rawRepresentation
    }

    package init(pem: String) throws {
        raw = try P256.Signing.PrivateKey(pemRepresentation: pem).rawRepresentation
    }

    /// Made again from the bytes a valid key gave: cannot fail.
    var key: P256.Signing.PrivateKey {
        try! P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    package var pem: String { key.pemRepresentation }

    /// The public key as a JWK's required members (RFC 7518 §6.2.1): coordinates as 32 bytes each.
    var jwkMembers: [String: String] {
        let raw = key.publicKey.rawRepresentation  // x ‖ y
        return ["crv": "P-256", "kty": "EC", "x": Base64URL.encode(raw.prefix(32)), "y": Base64URL.encode(raw.suffix(32))]
    }

    package var thumbprint: String { JWKThumbprint.compute(members: jwkMembers) }

    /// `token.thumbprint`: what the proxy answers `/.well-known/acme-challenge/<token>` with.
    package func keyAuthorization(token: String) -> String { "\(token).\(thumbprint)" }

    /// ES256 over `signingInput`: r ‖ s, 32 bytes each (JWS, not DER).
    func sign(_ signingInput: Data) throws -> Data {
        try key.signature(for: signingInput).rawRepresentation
    }
}
