import Foundation

/// A request body to the ACME server: a JWS in flattened JSON serialization (RFC 8555 §6.2),
/// protected header `alg`, `nonce`, `url`, and either `jwk` (newAccount: the server does not know
/// the key yet) or `kid` (the account URL, every request after).
enum JWS {
    enum Signer {
        case jwk
        case kid(String)
    }

    /// `payload` nil: POST-as-GET (RFC 8555 §6.3), an empty payload.
    static func body(payload: Data?, url: String, nonce: String, key: AccountKey, signer: Signer) throws -> Data {
        var header: [String: Any] = ["alg": "ES256", "nonce": nonce, "url": url]
        switch signer {
        case .jwk: header["jwk"] = key.jwkMembers
        case .kid(let account): header["kid"] = account
        }
        let protected = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
        let encodedPayload = payload.map { Base64URL.encode($0) } ?? ""
        let signature = try key.sign(Data("\(protected).\(encodedPayload)".utf8))
        return try JSONSerialization.data(withJSONObject: [
            "protected": protected, "payload": encodedPayload, "signature": Base64URL.encode(signature),
        ], options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
