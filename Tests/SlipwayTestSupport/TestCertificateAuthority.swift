import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway CA that issues ECDSA P-256 certificates at test time (swift-certificates), with
/// whatever names and validity a test needs: an expired one, one not yet valid, one for another host.
public struct TestCertificateAuthority: Sendable {
    public let key: Certificate.PrivateKey
    public let certificate: Certificate

    /// A leaf: its chain (leaf then CA) and its key, as PEM text.
    public struct Issued: Sendable {
        public let chainPEM: String
        public let keyPEM: String
        public let serial: Certificate.SerialNumber
        /// The leaf's DER: what a client compares the certificate it was served with.
        public let der: [UInt8]
    }

    public init(name: String = "Slipway Test CA") throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        self.key = key
        self.certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: now - 3600, notValidAfter: now + 86_400 * 2,
            issuer: subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            },
            issuerPrivateKey: key)
    }

    public var pem: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// A server certificate naming `names` (SAN DNS names; none: only the CN `commonName`).
    public func issue(names: [String], commonName: String? = nil, notBefore: Date = Date() - 3600,
                      notAfter: Date = Date() + 86_400) throws -> Issued {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let serial = Certificate.SerialNumber()
        let subject = try DistinguishedName { CommonName(commonName ?? names.first ?? "leaf") }
        let leaf = try Certificate(
            version: .v3, serialNumber: serial, publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: certificate.subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                if !names.isEmpty { SubjectAlternativeNames(names.map { .dnsName($0) }) }
            },
            issuerPrivateKey: self.key)
        let chain = try leaf.serializeAsPEM().pemString + "\n" + certificate.serializeAsPEM().pemString + "\n"
        var serializer = DER.Serializer()
        try serializer.serialize(leaf)
        return Issued(chainPEM: chain, keyPEM: try key.serializeAsPEM().pemString + "\n", serial: serial, der: serializer.serializedBytes)
    }
}
