import Foundation
@testable import SlipwayACME
import SwiftASN1
import Testing
import X509

struct CertificateRequestTests {
    @Test func csrNamesTheHostAndIsSignedByANewKeyEachTime() throws {
        let first = try CertificateRequest(host: "www.example.test")
        let csr = try CertificateSigningRequest(derEncoded: first.der)
        #expect(csr.publicKey == first.key.publicKey)
        #expect(csr.publicKey.isValidSignature(csr.signature, for: csr))
        let requested = try #require(try csr.attributes.extensionRequest)
        let names = try #require(try requested.extensions.subjectAlternativeNames)
        #expect(Array(names) == [.dnsName("www.example.test")])
        let second = try CertificateRequest(host: "www.example.test")
        #expect(second.key.publicKey != first.key.publicKey, "a renewal never reuses a key")
        #expect(try first.keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }
}
