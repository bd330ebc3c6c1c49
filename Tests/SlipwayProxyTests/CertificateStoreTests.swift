import Foundation
import Logging
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProxy

/// What the proxy serves when its certificate files are not what the config checked: it must
/// start anyway (it serves plain HTTP too), as nginx does.
@Suite struct CertificateStoreTests {
    let ca: TestCertificateAuthority
    let directory: TemporaryDirectory

    init() throws {
        ca = try TestCertificateAuthority()
        directory = try TemporaryDirectory(prefix: "slipway-certificate-store")
    }

    func entry(_ host: String, _ issued: TestCertificateAuthority.Issued, key: String? = nil) throws -> HostCertificate {
        let name = host.replacingOccurrences(of: "*", with: "star")
        return HostCertificate(host: host, cert: try directory.write("\(name).pem", issued.chainPEM),
                               key: try directory.write("\(name).key", key ?? issued.keyPEM))
    }

    func serial(_ store: CertificateStore, _ name: String?) -> [UInt8] {
        store.certificate(forServerName: name)?.chain.first?.serialNumber ?? []
    }

    @Test func anExpiredCertificateIsStillServedAtStartAndABrokenOneLeavesItsHostToTheDefault() throws {
        let good = try ca.issue(names: ["www.example.com"])
        let expired = try ca.issue(names: ["old.example.com"], notBefore: Date() - 86_400 * 3, notAfter: Date() - 86_400)
        let mismatched = try ca.issue(names: ["bad.example.com"])
        let log = CollectedLog()
        let logger = Logger(label: "test.certificates") { _ in MessageCollector(collected: log) }
        let store = try CertificateStore([
            try entry("www.example.com", good),
            try entry("old.example.com", expired),
            try entry("bad.example.com", mismatched, key: try ca.issue(names: ["bad.example.com"]).keyPEM),
        ], logger: logger)
        #expect(serial(store, "old.example.com") == Array(expired.serial.bytes))
        #expect(serial(store, "bad.example.com") == Array(good.serial.bytes), "the default, the first")
        #expect(serial(store, nil) == Array(good.serial.bytes))
        #expect(log.text.contains("serving a certificate outside its validity"), "\(log.text)")
        #expect(log.text.contains("cannot serve this host's certificate"), "\(log.text)")
    }

    @Test func noServableCertificateAtAllIsAnError() throws {
        let issued = try ca.issue(names: ["www.example.com"])
        #expect(throws: SlipwayError.self) {
            try CertificateStore([try entry("www.example.com", issued, key: "garbage")], logger: .quiet)
        }
    }

    @Test func aChangedPairIsReloadedAndABrokenChangeKeepsTheServedOne() throws {
        let first = try ca.issue(names: ["*.example.com"])
        let store = try CertificateStore([try entry("*.example.com", first)], logger: .quiet)
        #expect(serial(store, "api.example.com") == Array(first.serial.bytes))
        #expect(store.reloadChanged().isEmpty, "nothing changed")
        let second = try ca.issue(names: ["*.example.com"])
        _ = try entry("*.example.com", second)
        #expect(store.reloadChanged() == ["*.example.com"])
        #expect(serial(store, "api.example.com") == Array(second.serial.bytes))
        _ = try entry("*.example.com", try ca.issue(names: ["www.other.org"]))
        #expect(store.reloadChanged().isEmpty)
        #expect(serial(store, "api.example.com") == Array(second.serial.bytes))
    }
}

/// The messages logged, into a `CollectedLog`.
private struct MessageCollector: LogHandler {
    let collected: CollectedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        collected.sink("\(event.message)")
    }
}

/// An ACME host before its first certificate: the proxy serves the other hosts, does not send the
/// ACME host to https, and serves its certificate from the first look after the renewer wrote it.
@Suite struct ACMECertificateStoreTests {
    @Test func anACMEHostWithoutFilesWaitsAndIsServedOnceTheyAppear() throws {
        let ca = try TestCertificateAuthority()
        let directory = try TemporaryDirectory(prefix: "slipway-certificate-store-acme")
        let manual = try ca.issue(names: ["static.example.com"])
        let log = CollectedLog()
        let logger = Logger(label: "test.certificates") { _ in MessageCollector(collected: log) }
        let acmeHost = HostCertificate(host: "www.example.com", cert: directory.path("acme/www/cert.pem"),
                                       key: directory.path("acme/www/key.pem"), acme: true)
        let store = try CertificateStore([
            HostCertificate(host: "static.example.com", cert: try directory.write("static.pem", manual.chainPEM),
                            key: try directory.write("static.key", manual.keyPEM)),
            acmeHost,
        ], logger: logger)
        #expect(store.certificate(forServerName: "static.example.com")?.chain.first?.serialNumber == Array(manual.serial.bytes))
        #expect(store.awaitsFirstCertificate("www.example.com"))
        #expect(!store.awaitsFirstCertificate("static.example.com"))
        #expect(store.reloadChanged().isEmpty)
        #expect(!log.text.contains("cannot be served"), "a host waiting for ACME is not an error: \(log.text)")

        let issued = try ca.issue(names: ["www.example.com"])
        try directory.write("acme/www/key.pem", issued.keyPEM)
        try directory.write("acme/www/cert.pem", issued.chainPEM)
        #expect(store.reloadChanged() == ["www.example.com"])
        #expect(store.certificate(forServerName: "www.example.com")?.chain.first?.serialNumber == Array(issued.serial.bytes))
        #expect(!store.awaitsFirstCertificate("www.example.com"))
    }

    @Test func aProxyWithOnlyACMEHostsStartsWithNoCertificate() throws {
        let directory = try TemporaryDirectory(prefix: "slipway-certificate-store-acme")
        let store = try CertificateStore([HostCertificate(host: "www.example.com", cert: directory.path("none.pem"),
                                                          key: directory.path("none.key"), acme: true)], logger: .quiet)
        #expect(store.certificate(forServerName: "www.example.com") == nil)
        #expect(store.certificate(forServerName: nil) == nil)
    }
}
