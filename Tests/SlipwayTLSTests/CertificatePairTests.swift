import Foundation
import SlipwayTestSupport
import SlipwayTLS
import Testing

/// What makes a certificate file pair unusable for its host, with certificates made at test time.
@Suite struct CertificatePairTests {
    let ca: TestCertificateAuthority

    init() throws {
        ca = try TestCertificateAuthority()
    }

    func check(_ issued: TestCertificateAuthority.Issued, key: String? = nil, host: String) throws(CertificateProblem) -> CertificatePair {
        try CertificatePair.check(chainPEM: Array(issued.chainPEM.utf8), keyPEM: Array((key ?? issued.keyPEM).utf8), host: host)
    }

    func problem(_ body: () throws -> CertificatePair) -> CertificateProblem? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? CertificateProblem
        }
    }

    @Test func aValidPairForItsHostIsAccepted() throws {
        let issued = try ca.issue(names: ["www.example.com", "example.com"])
        let pair = try check(issued, host: "WWW.example.com")
        #expect(pair.leaf.serialNumber == issued.serial)
        _ = try check(issued, host: "example.com")
    }

    @Test func aWildcardCoversOneLabel() throws {
        let issued = try ca.issue(names: ["*.example.com"])
        _ = try check(issued, host: "api.example.com")
        #expect(problem { try check(issued, host: "example.com") }?.code == .hostNotCovered)
        #expect(problem { try check(issued, host: "a.b.example.com") }?.code == .hostNotCovered)
    }

    @Test func theCommonNameCountsOnlyWithoutSubjectAlternativeNames() throws {
        _ = try check(try ca.issue(names: [], commonName: "legacy.example.com"), host: "legacy.example.com")
        let withSAN = try ca.issue(names: ["www.example.com"], commonName: "legacy.example.com")
        #expect(problem { try check(withSAN, host: "legacy.example.com") }?.code == .hostNotCovered)
    }

    @Test func eachBrokenPairIsRefusedNamingTheFileAtFault() throws {
        let good = try ca.issue(names: ["www.example.com"])
        let other = try ca.issue(names: ["www.example.com"])
        let expired = try ca.issue(names: ["www.example.com"], notBefore: Date() - 86_400 * 3, notAfter: Date() - 86_400)
        let early = try ca.issue(names: ["www.example.com"], notBefore: Date() + 86_400, notAfter: Date() + 86_400 * 3)
        let cases: [(CertificateProblem.Code, CertificateProblem.File, () throws -> CertificatePair)] = [
            (.expired, .cert, { try check(expired, host: "www.example.com") }),
            (.notYetValid, .cert, { try check(early, host: "www.example.com") }),
            (.keyMismatch, .key, { try check(good, key: other.keyPEM, host: "www.example.com") }),
            (.hostNotCovered, .cert, { try check(good, host: "api.example.com") }),
            (.notPEM, .cert, {
                try CertificatePair.check(chainPEM: Array("not a certificate".utf8), keyPEM: Array(good.keyPEM.utf8), host: "www.example.com")
            }),
            (.notPEM, .key, { try check(good, key: "garbage", host: "www.example.com") }),
            (.unreadable, .cert, {
                try CertificatePair.load(cert: "/nonexistent/www.pem", key: "/nonexistent/www.key", host: "www.example.com")
            }),
        ]
        for (code, file, body) in cases {
            let found = problem(body)
            #expect(found?.code == code, "\(String(describing: found))")
            #expect(found?.file == file, "\(String(describing: found))")
        }
    }
}
