import Crypto
import Foundation
import SwiftASN1
import X509

/// A new P-256 key for one host's certificate and the CSR naming the host (subject CN and SAN),
/// DER as finalize wants it (RFC 8555 §7.4). A key per certificate: a renewal never reuses one.
struct CertificateRequest {
    let key: Certificate.PrivateKey
    let der: [UInt8]

    init(host: String) throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let extensions = try Certificate.Extensions { SubjectAlternativeNames([.dnsName(host)]) }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(host) }, privateKey: key,
            attributes: CertificateSigningRequest.Attributes([.init(ExtensionRequest(extensions: extensions))]),
            signatureAlgorithm: .ecdsaWithSHA256)
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        self.key = key
        self.der = serializer.serializedBytes
    }

    var keyPEM: String {
        get throws { try key.serializeAsPEM().pemString + "\n" }
    }
}
