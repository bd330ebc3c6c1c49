import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `proxy.tls.acme:`: the settings, the hosts it covers (the routed hosts no certificate entry
/// covers), and each mistake as an issue at its file, line and key.
struct ACMEConfigTests {
    let services = """
        services:
          web:
            run: python3 app.py
            route: { host: www.example.com }
          api:
            run: python3 api.py
            route: { host: api.example.com, path: /v1 }
          admin:
            run: python3 admin.py
            route: { host: admin.internal.test }
          worker:
            run: python3 worker.py
            route: { path: /jobs }
        """

    @Test func acmeCoversEveryRoutedHostNoCertificateCovers() throws {
        let config = try ConfigLoader.parse(yaml: """
            proxy:
              tls:
                listen: 0.0.0.0:8443
                certificates:
                  "*.example.com": { cert: certs/wild.pem, key: certs/wild.key }
                acme:
                  email: ops@example.com
                  directory: https://acme.example.org/directory
                  ca_file: certs/pebble.pem
            """ + "\n" + services, file: "/srv/app/slipway.yml")
        let acme = try #require(config.proxy.tls?.acme)
        #expect(acme.email == "ops@example.com")
        #expect(acme.directory == "https://acme.example.org/directory")
        #expect(acme.caFile == "/srv/app/certs/pebble.pem")
        #expect(acme.renewBefore == .seconds(30 * 86_400), "30 days by default")
        #expect(acme.hosts == ["admin.internal.test"], "the wildcard entry covers www and api; a route without a host is no name")
        #expect(config.environments.first?.proxy.tls?.acme == acme)
    }

    @Test func certificatesAreOptionalWithACMEAndEachEnvironmentOrdersItsOwnHosts() throws {
        let config = try ConfigLoader.parse(yaml: """
            proxy:
              tls:
                listen: 0.0.0.0:8443
                acme: { email: ops@example.com, directory: "https://acme.example.org/dir", renew_before: 20d }
            environments:
              staging:
                proxy: { listen: 127.0.0.1:8081, tls: { listen: 127.0.0.1:9443, acme: { email: dev@example.com, directory: "https://staging.example.org/dir" } } }
                services:
                  web: { route: { host: staging.example.com } }
              production:
                proxy: { listen: 127.0.0.1:8082 }
            """ + "\n" + services, file: "/srv/app/slipway.yml")
        let staging = try #require(config.environment(named: "staging")?.proxy.tls?.acme)
        let production = try #require(config.environment(named: "production")?.proxy.tls?.acme)
        #expect(staging.email == "dev@example.com")
        #expect(staging.hosts == ["staging.example.com", "api.example.com", "admin.internal.test"])
        #expect(production.renewBefore == .seconds(20 * 86_400))
        #expect(production.hosts == ["www.example.com", "api.example.com", "admin.internal.test"])
        #expect(config.environment(named: "production")?.proxy.tls?.certificates == [])
    }

    @Test func acmeWithoutARoutedHostIsAnIssueAtItsKey() {
        let lines = issueLines("""
            proxy:
              tls:
                listen: 0.0.0.0:8443
                acme: { email: ops@example.com, directory: "https://acme.example.org/dir" }
            services:
              web:
                run: python3 app.py
            """)
        #expect(lines == ["slipway.yml:4:5: proxy.tls.acme: acme has no host to order a certificate for: no service has a "
                          + "route.host; give a service route.host: NAME, or remove acme"], "\(lines)")
    }

    /// HTTP-01 proves one name: a wildcard is never a routed host (a route's host is a plain name).
    @Test func aWildcardRouteHostIsAnIssueAtItsKey() {
        let lines = issueLines("""
            proxy:
              tls:
                listen: 0.0.0.0:8443
                acme: { email: ops@example.com, directory: "https://acme.example.org/dir" }
            services:
              web:
                run: python3 app.py
                route: { host: "*.example.com" }
            """)
        #expect(lines == ["slipway.yml:8:14: services.web.route.host: a route's host is one name, not a wildcard like "
                          + "\"*.example.com\": the proxy matches Host exactly, and proxy.tls.acme's HTTP-01 can prove only one name; "
                          + "route each host"], "\(lines)")
    }

    @Test func badACMESettingsAreIssuesAtTheirKeys() {
        let lines = issueLines("""
            proxy:
              tls:
                listen: 0.0.0.0:8443
                acme:
                  email: not-an-address
                  directory: http://acme.example.org/dir
                  renew_before: 0s
                  contact: me
            """ + "\n" + services)
        #expect(lines == [
            "slipway.yml:5:7: proxy.tls.acme.email: expected an e-mail address like ops@example.com, got \"not-an-address\"",
            "slipway.yml:6:7: proxy.tls.acme.directory: expected the https URL of the CA's ACME directory, like "
                + "https://acme-v02.api.letsencrypt.org/directory, got \"http://acme.example.org/dir\"",
            "slipway.yml:7:7: proxy.tls.acme.renew_before: expected a duration longer than 0s, got \"0s\"",
            "slipway.yml:8:7: proxy.tls.acme.contact: unknown key \"contact\"; expected one of: email, directory, ca_file, renew_before",
        ], "\(lines)")
        let missing = issueLines("""
            proxy:
              tls: { listen: 0.0.0.0:8443, acme: { renew_before: 10d } }
            """ + "\n" + services)
        #expect(missing.count == 2 && missing.allSatisfy { $0.hasPrefix("slipway.yml:2:") && $0.contains("proxy.tls.acme") }, "\(missing)")
        #expect(missing.contains { $0.contains("missing required key \"email\"") } && missing.contains { $0.contains("\"directory\"") })
    }

    /// Read from disk, `ca_file` must be a PEM certificate there: not a failed order at 3 a.m.
    @Test func anUnreadableCAFileIsAnIssueAtItsKey() throws {
        let directory = try TemporaryDirectory(prefix: "slipway-acme-config")
        try directory.write("garbage.pem", "nothing\n")
        for (file, expected) in [("missing.pem", "cannot read"), ("garbage.pem", "holds no PEM certificate")] {
            let config = try directory.write("slipway.yml", """
                proxy:
                  tls:
                    listen: 0.0.0.0:8443
                    acme: { email: ops@example.com, directory: "https://acme.example.org/dir",
                            ca_file: \(file) }
                """ + "\n" + services)
            let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: config, environment: [:]) }
            let lines = error.issues.map(\.description)
            #expect(lines.count == 1 && lines[0].contains(":5:13: proxy.tls.acme.ca_file: \"\(file)\": ")
                    && lines[0].contains(expected), "\(lines)")
        }
    }
}
