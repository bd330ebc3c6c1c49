import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `proxy.tls:` read from a real file beside real certificate files (made at test time): each
/// unusable certificate is an issue naming the file, line and key.
@Suite struct ProxyTLSConfigTests {
    let ca: TestCertificateAuthority
    let directory: TemporaryDirectory

    init() throws {
        ca = try TestCertificateAuthority()
        directory = try TemporaryDirectory(prefix: "slipway-tls-config")
    }

    /// Writes `certs/NAME.pem` and `certs/NAME.key`.
    func write(_ name: String, _ issued: TestCertificateAuthority.Issued) throws {
        try directory.write("certs/\(name).pem", issued.chainPEM)
        try directory.write("certs/\(name).key", issued.keyPEM)
    }

    /// `slipway.yml` with `www.example.com` on lines 6–7 (cert on line 6, key on line 7).
    func config(cert: String = "certs/www.pem", key: String = "certs/www.key", extra: String = "") throws -> String {
        try directory.write("slipway.yml", """
            proxy:
              listen: 127.0.0.1:8080
              tls:
                listen: 127.0.0.1:8443
                certificates:
                  www.example.com: { cert: \(cert),
                                     key: \(key) }
            \(extra)
            """ + minimalServices)
    }

    func issues(_ file: String) throws -> [String] {
        let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: file, environment: [:]) }
        return error.issues.map(\.description)
    }

    @Test func validCertificatesAreDecodedWithAbsolutePaths() throws {
        try write("www", try ca.issue(names: ["www.example.com"]))
        try write("api", try ca.issue(names: ["*.example.com"]))
        let file = try directory.write("slipway.yml", """
            proxy:
              tls:
                listen: 0.0.0.0:8443
                certificates:
                  www.example.com: { cert: certs/www.pem, key: certs/www.key }
                  "*.example.com": { cert: \(directory.path("certs/api.pem")), key: certs/api.key }
                redirect_http: true
            """ + "\n" + minimalServices)
        let tls = try #require(try ConfigLoader.load(path: file, environment: [:]).proxy.tls)
        #expect(tls.listen == "0.0.0.0:8443")
        #expect(tls.redirectHTTP)
        #expect(tls.certificates == [
            HostCertificate(host: "www.example.com", cert: directory.path("certs/www.pem"), key: directory.path("certs/www.key")),
            HostCertificate(host: "*.example.com", cert: directory.path("certs/api.pem"), key: directory.path("certs/api.key")),
        ])
    }

    @Test func eachUnusableCertificateIsAnIssueAtItsKey() throws {
        let good = try ca.issue(names: ["www.example.com"])
        try write("other", try ca.issue(names: ["api.example.com"]))
        try write("expired", try ca.issue(names: ["www.example.com"], notBefore: Date() - 86_400 * 3, notAfter: Date() - 86_400))
        try write("early", try ca.issue(names: ["www.example.com"], notBefore: Date() + 86_400, notAfter: Date() + 86_400 * 3))
        try write("www", good)
        try directory.write("certs/mismatch.key", try ca.issue(names: ["www.example.com"]).keyPEM)
        try directory.write("certs/garbage.pem", "not a certificate\n")
        let certPath = "slipway.yml:6:26: proxy.tls.certificates.www.example.com.cert: "
        let keyPath = "slipway.yml:7:26: proxy.tls.certificates.www.example.com.key: "
        let cases: [(cert: String, key: String, expected: String)] = [
            ("certs/missing.pem", "certs/www.key", certPath + "\"certs/missing.pem\": no file"),
            ("certs/garbage.pem", "certs/www.key", certPath + "\"certs/garbage.pem\": holds no PEM CERTIFICATE block"),
            ("certs/expired.pem", "certs/expired.key", certPath + "\"certs/expired.pem\": expired on"),
            ("certs/early.pem", "certs/early.key", certPath + "\"certs/early.pem\": is not valid before"),
            ("certs/www.pem", "certs/mismatch.key", keyPath + "\"certs/mismatch.key\": does not match the certificate's public key"),
            ("certs/other.pem", "certs/other.key", certPath + "\"certs/other.pem\": does not cover www.example.com (it names api.example.com)"),
            ("certs/www.pem", "certs/garbage.pem", keyPath + "\"certs/garbage.pem\": is not a PEM private key"),
        ]
        for (cert, key, expected) in cases {
            let file = try config(cert: cert, key: key)
            let lines = try issues(file).map { $0.replacingOccurrences(of: directory.path + "/", with: "") }
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.first?.hasPrefix(expected) == true, "\(lines) should start with \(expected)")
        }
    }

    @Test func malformedTLSBlocksAreIssues() {
        let lines = issueLines("""
            proxy:
              listen: 0.0.0.0:8080
              tls:
                listen: 0.0.0.0:8080
                certificates: { "not a host": { cert: a.pem, key: a.key }, "www.example.com": { cert: b.pem } }
                redirect_http: sometimes
                hsts: true
            """ + "\n" + minimalServices)
        #expect(lines == [
            "slipway.yml:4:5: proxy.tls.listen: \"0.0.0.0:8080\" is where proxy.listen serves plain HTTP; give TLS its own port",
            "slipway.yml:5:21: proxy.tls.certificates.not a host: \"not a host\" is not a host name (www.example.com, or *.example.com)",
            "slipway.yml:5:64: proxy.tls.certificates.www.example.com: missing required key \"key\"",
            "slipway.yml:6:5: proxy.tls.redirect_http: expected true or false, got \"sometimes\"",
            "slipway.yml:7:5: proxy.tls.hsts: unknown key \"hsts\"; expected one of: listen, certificates, redirect_http, acme",
        ], "\(lines)")
    }

    /// Each environment runs its own proxy: two inheriting the top-level TLS listener would both bind it.
    @Test func environmentsCannotShareATLSListener() {
        let lines = issueLines("""
            proxy:
              tls: { listen: 127.0.0.1:8443, certificates: { www.example.com: { cert: a.pem, key: a.key } } }
            environments:
              staging: { proxy: { listen: 127.0.0.1:8081 } }
              production: { proxy: { listen: 127.0.0.1:8082 } }
            """ + "\n" + minimalServices)
        #expect(lines == ["slipway.yml:5:3: environments.production: environments \"staging\" and \"production\" both listen on "
                          + "127.0.0.1:8443 (proxy.tls.listen); give each environment its own proxy.tls.listen"], "\(lines)")
        let separate = try? ConfigLoader.parse(yaml: """
            proxy:
              tls: { listen: 127.0.0.1:8443, certificates: { www.example.com: { cert: a.pem, key: a.key } } }
            environments:
              staging:
                proxy: { listen: 127.0.0.1:8081, tls: { listen: 127.0.0.1:9443, certificates: { www.example.com: { cert: a.pem, key: a.key } } } }
              production: { proxy: { listen: 127.0.0.1:8082 } }
            """ + "\n" + minimalServices, file: "/srv/app/slipway.yml")
        #expect(separate?.environment(named: "staging")?.proxy.tls?.listen == "127.0.0.1:9443")
        #expect(separate?.environment(named: "production")?.proxy.tls?.listen == "127.0.0.1:8443")
        #expect(separate?.environment(named: "staging")?.proxy.tls?.certificates.first?.cert == "/srv/app/a.pem")
    }
}
