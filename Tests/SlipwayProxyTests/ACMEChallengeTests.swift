import Foundation
import Logging
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProxy

/// HTTP-01 answered by the proxy itself on its plain listener, from the files the daemon's ACME
/// renewer writes; a proxy whose only TLS hosts are ACME's starts before any certificate exists.
@Suite struct ACMEChallengeTests {
    @Test func theKeyAuthorizationIsAnsweredBeforeTheRedirectAndRoutingForAnyHost() async throws {
        let state = try TemporaryDirectory(prefix: "slipway-acme-challenge")
        let files = ACMEFiles(stateDirectory: state.path)
        let tls = try ProxyTLS(files.served(ProxyTLSConfig(
            listen: SocketAddressSpec(host: "127.0.0.1", port: 0), certificates: [], redirectHTTP: true,
            acme: ACMEConfig(email: "ops@example.com", directory: "https://ca.test/dir", hosts: ["www.example.test"]))),
            stateDirectory: state.path, logger: .quiet)
        #expect(tls.store.certificate(forServerName: "www.example.test") == nil, "nothing issued yet, and the proxy starts")
        try state.write("acme/challenges/tok_EN-42", "tok_EN-42.thumbprint")
        let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: .quiet, tls: tls)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            let port = try await proxy.localAddress().port
            func get(_ target: String, host: String = "www.example.test") async throws -> String {
                try await RawHTTP.exchange(port: port, "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            }
            let answer = try await get("/.well-known/acme-challenge/tok_EN-42")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            #expect(answer.hasSuffix("\r\n\r\ntok_EN-42.thumbprint"), "the key authorization exactly: \(answer)")
            #expect(answer.lowercased().contains("content-type: application/octet-stream"))
            let otherHost = try await get("/.well-known/acme-challenge/tok_EN-42", host: "unrouted.example.org")
            #expect(otherHost.hasSuffix("tok_EN-42.thumbprint"), "any Host: \(otherHost)")
            for target in ["/.well-known/acme-challenge/missing", "/.well-known/acme-challenge/..%2Fsecret",
                           "/.well-known/acme-challenge/a.b", "/.well-known/acme-challenge/"] {
                let refused = try await get(target)
                #expect(refused.hasPrefix("HTTP/1.1 404"), "\(target): \(refused)")
            }
            let posted = try await RawHTTP.exchange(port: port, "POST /.well-known/acme-challenge/tok_EN-42 HTTP/1.1\r\n"
                                                   + "Host: www.example.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(posted.hasPrefix("HTTP/1.1 404") && posted.contains("no service routes"),
                    "only GET is a challenge; a POST is routed as any request: \(posted)")
            let page = try await get("/index.html")
            #expect(page.hasPrefix("HTTP/1.1 404"), "no certificate yet: served over plain HTTP, not sent to https: \(page)")
            group.cancelAll()
        }
    }

    @Test func withoutACMEHostsTheChallengePathIsTheServicesOwn() throws {
        let ca = try TestCertificateAuthority()
        let directory = try TemporaryDirectory(prefix: "slipway-acme-challenge")
        let issued = try ca.issue(names: ["www.example.test"])
        let certificate = HostCertificate(host: "www.example.test", cert: try directory.write("c.pem", issued.chainPEM),
                                          key: try directory.write("k.pem", issued.keyPEM))
        let tls = try ProxyTLS(ProxyTLSConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), certificates: [certificate]),
                               stateDirectory: directory.path, logger: .quiet)
        #expect(tls.challenges == nil)
    }
}
