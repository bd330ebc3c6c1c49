import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `api:`: the TCP API's listener and TLS files. Each mistake names the file, line and key.
@Suite struct APIConfigTests {
    @Test func loopbackListenerNeedsNoTLS() throws {
        for (listen, host) in [("127.0.0.1:7070", "127.0.0.1"), ("\"[::1]:7070\"", "::1"), ("localhost:7070", "localhost"),
                               ("127.0.0.2:0", "127.0.0.2")] {
            let config = try ConfigLoader.parse(yaml: "api:\n  listen: \(listen)\n" + minimalServices, file: "/srv/app/slipway.yml")
            #expect(config.api?.listen.host == host)
            #expect(config.api?.tls == nil)
            #expect(config.api?.scheme == "http")
        }
        #expect(try ConfigLoader.parse(yaml: minimalServices, file: "slipway.yml").api == nil)
    }

    @Test func tlsFilesAreResolvedAgainstTheFilesDirectory() throws {
        let yaml = "api:\n  listen: 0.0.0.0:7443\n  tls: { cert: certs/api.pem, key: /etc/slipway/api.key }\n" + minimalServices
        let config = try ConfigLoader.parse(yaml: yaml, file: "/srv/app/slipway.yml")
        #expect(config.api?.tls == TLSFiles(cert: "/srv/app/certs/api.pem", key: "/etc/slipway/api.key"))
        #expect(config.api?.scheme == "https")
    }

    @Test func tlsProxySharesTheProxysCertificatesAndIsRefusedWithoutThem() throws {
        let proxy = "proxy:\n  listen: 127.0.0.1:8080\n  tls:\n    listen: 127.0.0.1:8443\n"
            + "    certificates: { www.example.com: { cert: w.pem, key: w.key } }\n"
        let config = try ConfigLoader.parse(yaml: proxy + "api:\n  listen: 0.0.0.0:7443\n  tls: proxy\n" + minimalServices,
                                            file: "/srv/app/slipway.yml")
        #expect(config.api?.sharesProxyTLS == true && config.api?.tls == nil)
        #expect(config.api?.scheme == "https")
        let lines = issueLines("api:\n  listen: 0.0.0.0:7443\n  tls: proxy\n" + minimalServices)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("slipway.yml:3:") == true && lines.first?.contains("api.tls: tls: proxy shares") == true, "\(lines)")
        #expect(lines.first?.contains("add proxy.tls") == true)
    }

    @Test func nonLoopbackWithoutTLSIsRefused() {
        for listen in ["0.0.0.0:7070", "10.1.2.3:7070", "\":7070\"", "api.example.com:7070"] {
            let lines = issueLines("api:\n  listen: \(listen)\n" + minimalServices)
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("slipway.yml:2:3: api.listen: ") == true, "\(lines)")
            #expect(lines.first?.contains("is not a loopback address") == true, "\(lines)")
            #expect(lines.first?.contains("tls:") == true)
        }
    }

    @Test func badAddressesUnknownKeysAndMissingFieldsAreLocated() {
        #expect(issueLines("api:\n  listen: nope\n" + minimalServices) == [
            #"slipway.yml:2:3: api.listen: expected host:port like 127.0.0.1:7070 or [::1]:7070, got "nope""#,
        ])
        #expect(issueLines("api:\n  listen: 127.0.0.1:99999\n" + minimalServices).first?.hasPrefix("slipway.yml:2:3: api.listen:") == true)
        #expect(issueLines("api:\n  listen: 256.0.0.1:7070\n" + minimalServices) == [
            #"slipway.yml:2:3: api.listen: expected an IPv4 address of four numbers from 0 to 255 like 127.0.0.1, got "256.0.0.1:7070""#,
        ])
        let unknown = issueLines("api:\n  listen: 127.0.0.1:7070\n  token: abc\n" + minimalServices)
        #expect(unknown.count == 1)
        #expect(unknown.first?.hasPrefix("slipway.yml:3:3: api.token: unknown key") == true, "\(unknown)")
        #expect(issueLines("api:\n  tls: { cert: a.pem, key: a.key }\n" + minimalServices).first?
            .hasPrefix(#"slipway.yml:1:1: api: missing required key "listen""#) == true)
        let half = issueLines("api:\n  listen: 0.0.0.0:7070\n  tls: { cert: a.pem }\n" + minimalServices)
        #expect(half.first?.hasPrefix("slipway.yml:3:") == true && half.first?.contains(#"missing required key "key""#) == true, "\(half)")
        let tlsTypo = issueLines("api:\n  listen: 127.0.0.1:7070\n  tls: { cert: a.pem, key: a.key, ca: b.pem }\n" + minimalServices)
        #expect(tlsTypo.first?.contains("api.tls.ca: unknown key") == true, "\(tlsTypo)")
    }

    /// Read from a file, the TLS files must be there and readable: a daemon that could not serve the
    /// API is refused by `check` and `serve` before it starts.
    @Test func missingOrUnreadableTLSFilesAreRefusedWithTheirKey() throws {
        let directory = try TemporaryDirectory()
        let readable = try directory.write("certs/api.pem", "-----BEGIN CERTIFICATE-----\n")
        let unreadable = try directory.write("certs/api.key", "-----BEGIN PRIVATE KEY-----\n")
        chmod(unreadable, 0)
        defer { chmod(unreadable, 0o600) }
        let file = try directory.write("slipway.yml", """
            api:
              listen: 0.0.0.0:7443
              tls:
                cert: certs/missing.pem
                key: certs
            \(minimalServices)
            """)
        do {
            _ = try ConfigLoader.load(path: file)
            Issue.record("accepted")
        } catch let error as ConfigIssues {
            let lines = error.issues.map(\.description)
            #expect(lines.contains { $0.hasPrefix("\(file):4:") && $0.contains("api.tls.cert: no file \"certs/missing.pem\"") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("\(file):5:") && $0.contains("api.tls.key: \"certs\" is a directory") }, "\(lines)")
        }
        // Root reads whatever its mode says: the unreadable case is only observable as another user.
        guard getuid() != 0 else { return }
        let second = try directory.write("other.yml", "api:\n  listen: 0.0.0.0:7443\n  tls: { cert: certs/api.pem, key: certs/api.key }\n"
                                         + minimalServices)
        #expect(throws: ConfigIssues.self) { try ConfigLoader.load(path: second) }
        _ = readable
    }
}
