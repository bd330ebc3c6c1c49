import Crypto
import Foundation
@testable import SlipwayACME
import SlipwayModel
import Testing

struct JWSTests {
    /// RFC 7638 §3.1: the thumbprint of the RSA key of its example.
    @Test func thumbprintMatchesRFC7638Example() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let thumbprint = JWKThumbprint.compute(members: ["e": "AQAB", "kty": "RSA", "n": n])
        #expect(thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    /// The canonical form: members sorted, no whitespace, as RFC 7638 §3.3 shows for an EC key.
    @Test func thumbprintInputIsSortedCompactJSON() {
        let json = JWKThumbprint.canonicalJSON(["y": "Y", "x": "X", "kty": "EC", "crv": "P-256"])
        #expect(json == #"{"crv":"P-256","kty":"EC","x":"X","y":"Y"}"#)
    }

    @Test func newAccountIsSignedWithTheJWKAndLaterRequestsWithTheKid() throws {
        let key = AccountKey()
        let first = try decode(JWS.body(payload: Data(#"{"a":1}"#.utf8), url: "https://ca.test/new-acct", nonce: "n1",
                                        key: key, signer: .jwk))
        #expect(first.header["alg"] as? String == "ES256")
        #expect(first.header["nonce"] as? String == "n1")
        #expect(first.header["url"] as? String == "https://ca.test/new-acct")
        let jwk = try #require(first.header["jwk"] as? [String: String])
        #expect(jwk["kty"] == "EC" && jwk["crv"] == "P-256")
        #expect(Base64URL.decode(jwk["x"] ?? "")?.count == 32 && Base64URL.decode(jwk["y"] ?? "")?.count == 32)
        #expect(first.header["kid"] == nil, "jwk and kid are mutually exclusive (RFC 8555 §6.2)")
        #expect(Base64URL.decode(first.payload) == Data(#"{"a":1}"#.utf8))
        try expectVerifies(first, with: key)

        let later = try decode(JWS.body(payload: nil, url: "https://ca.test/order/1", nonce: "n2", key: key,
                                        signer: .kid("https://ca.test/acct/7")))
        #expect(later.header["kid"] as? String == "https://ca.test/acct/7")
        #expect(later.header["jwk"] == nil)
        #expect(later.payload == "", "POST-as-GET has an empty payload (RFC 8555 §6.3)")
        try expectVerifies(later, with: key)
    }

    @Test func keyAuthorizationIsTokenDotThumbprintOfTheAccountKey() throws {
        let key = AccountKey()
        let again = try AccountKey(pem: key.pem)
        #expect(again.thumbprint == key.thumbprint, "the key read back from its PEM is the same account")
        #expect(key.keyAuthorization(token: "tok_EN-1") == "tok_EN-1.\(key.thumbprint)")
        #expect(Base64URL.decode(key.thumbprint)?.count == 32)
    }

    @Test func tokensAreBase64URLOnly() {
        #expect(ACMEFiles.isToken("abcXYZ019-_"))
        for bad in ["", "../etc/passwd", "a.b", "a/b", "a b", "a=", "é"] { #expect(!ACMEFiles.isToken(bad), "\(bad)") }
    }

    private struct Decoded {
        var header: [String: Any]
        var protected: String
        var payload: String
        var signature: String
    }

    private func decode(_ body: Data) throws -> Decoded {
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(Set(object.keys) == ["protected", "payload", "signature"], "flattened JSON serialization")
        let protected = try #require(object["protected"])
        let headerJSON = try #require(Base64URL.decode(protected))
        let header = try #require(try JSONSerialization.jsonObject(with: headerJSON) as? [String: Any])
        return Decoded(header: header, protected: protected, payload: try #require(object["payload"]),
                       signature: try #require(object["signature"]))
    }

    /// ES256: r ‖ s over `protected.payload`, verified with the account's public key.
    private func expectVerifies(_ jws: Decoded, with key: AccountKey) throws {
        let raw = try #require(Base64URL.decode(jws.signature))
        #expect(raw.count == 64)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: raw)
        #expect(key.key.publicKey.isValidSignature(signature, for: Data("\(jws.protected).\(jws.payload)".utf8)))
        #expect(!key.key.publicKey.isValidSignature(signature, for: Data("\(jws.protected).x".utf8)))
    }
}
