import Foundation
import SlipwayModel
import Testing

struct ProxyTLSConfigCodingTests {
    /// A proxy started before ACME reports its settings without `acme`: a new daemon still reads them.
    @Test func aRecordWrittenBeforeACMEStillDecodes() throws {
        let old = #"{"listen":"0.0.0.0:443","certificates":[{"host":"www.example.com","cert":"/c.pem","key":"/k.pem"}],"redirectHTTP":true}"#
        let decoded = try JSONDecoder().decode(ProxyTLSConfig.self, from: Data(old.utf8))
        #expect(decoded == ProxyTLSConfig(listen: SocketAddressSpec(host: "0.0.0.0", port: 443),
                                          certificates: [HostCertificate(host: "www.example.com", cert: "/c.pem", key: "/k.pem")],
                                          redirectHTTP: true))
        #expect(!decoded.hasACMEHosts)
    }

    /// The proxy gets the files, not the ACME settings: another e-mail or renew_before is the same proxy.
    @Test func theProxyIsHandedEachACMEHostsFilesAndNoSettings() throws {
        let files = ACMEFiles(stateDirectory: "/srv/app/.slipway")
        let manual = HostCertificate(host: "static.example.com", cert: "/c.pem", key: "/k.pem")
        var tls = ProxyTLSConfig(listen: SocketAddressSpec(host: "0.0.0.0", port: 443), certificates: [manual],
                                 acme: ACMEConfig(email: "ops@example.com", directory: "https://ca.test/dir", hosts: ["www.example.com"]))
        let served = files.served(tls)
        #expect(served.acme == nil)
        #expect(served.certificates == [manual, HostCertificate(host: "www.example.com",
                                                               cert: "/srv/app/.slipway/acme/certificates/www.example.com/cert.pem",
                                                               key: "/srv/app/.slipway/acme/certificates/www.example.com/key.pem", acme: true)])
        #expect(served.hasACMEHosts)
        tls.acme?.email = "someone@example.com"
        tls.acme?.renewBeforeSeconds = 86_400
        #expect(files.served(tls) == served)
        let roundTrip = try JSONDecoder().decode(ProxyTLSConfig.self, from: JSONEncoder().encode(served))
        #expect(roundTrip == served)
    }
}
