import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `api.tls: proxy`: the TCP API (and the dashboard) served with the proxy's certificates, chosen by
/// SNI: the CLI deploys over https trusting the proxy's CA, and a certificate replaced on disk is
/// what the next connection gets, without a restart.
@Suite(.serialized) struct APISharedTLSIntegrationTests {
    @Test(.timeLimit(.minutes(2))) func theAPIServesTheProxysCertificatesAndTheirRenewals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ca = try TestCertificateAuthority()
        let first = try ca.issue(names: ["localhost"])
        _ = try directory.write("ca.pem", ca.pem)
        _ = try directory.write("localhost.pem", first.chainPEM)
        _ = try directory.write("localhost.key", first.keyPEM)
        let config = TestRepository.config().replacingOccurrences(of: "proxy:\n  listen: 127.0.0.1:0\n", with: """
            proxy:
              listen: 127.0.0.1:0
              tls:
                listen: 127.0.0.1:0
                certificates: { localhost: { cert: '\(directory.path("localhost.pem"))', key: '\(directory.path("localhost.key"))' } }

            """) + "\napi:\n  listen: 127.0.0.1:0\n  tls: proxy\n"
        let repository = try TestRepository(config: config)
        defer { repository.remove() }
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let api = try await daemon.tcpAPI()
        #expect(api.hasPrefix("https://127.0.0.1:"))
        // By name: the certificate is for localhost.
        let named = api.replacingOccurrences(of: "https://127.0.0.1:", with: "https://localhost:")
        let token = try await CLI(repository: repository).json(TokenCreated.self, "token", "create", "ci", "--role", "deployer").value
        let remote = remoteCLI(repository, api: named, token: token, caFile: directory.path("ca.pem"))
        let deployed = try await remote.run("deploy", "web", "--ref", "v1")
        #expect(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")

        // A renewal: another CA's certificate written over the files; the API serves it by itself,
        // so a client trusting only the first CA is refused and one trusting the second is served.
        let renewedCA = try TestCertificateAuthority(name: "Renewed CA")
        let renewed = try renewedCA.issue(names: ["localhost"])
        _ = try directory.write("renewed-ca.pem", renewedCA.pem)
        _ = try directory.write("localhost.key", renewed.keyPEM)
        _ = try directory.write("localhost.pem", renewed.chainPEM)
        let renewedRemote = remoteCLI(repository, api: named, token: token, caFile: directory.path("renewed-ca.pem"))
        #expect(try await eventually(timeout: .seconds(15)) { try await renewedRemote.run("status").status == 0 })
        #expect(try await remote.run("status").status == ExitStatus.daemonUnreachable.rawValue, "the old CA no longer verifies it")
    }
}
