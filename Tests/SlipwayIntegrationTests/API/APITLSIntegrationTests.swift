import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The TCP API with `tls:`: a throwaway CA and a certificate for 127.0.0.1 made with `openssl`; the
/// CLI trusts that CA through `SLIPWAY_CA_FILE` and deploys over https, stream included. With `CI`
/// set a missing openssl fails the run instead of skipping it.
@Suite(.serialized, .enabled(if: TestCertificates.openssl != nil || TestCertificates.isCI))
struct APITLSIntegrationTests {
    @Test func cliDeploysOverHTTPSTrustingAPrivateCA() async throws {
        let openssl = try #require(TestCertificates.openssl, "openssl is needed to make the test's certificates")
        let certificates = try TestCertificates(openssl: openssl)
        defer { certificates.remove() }
        let repository = try TestRepository(config: TestRepository.configWithAPI(tls: (certificates.cert, certificates.key)))
        defer { repository.remove() }
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let api = try await daemon.tcpAPI()
        #expect(api.hasPrefix("https://127.0.0.1:"))
        let created = try await CLI(repository: repository).json(TokenCreated.self, "token", "create", "release-bot", "--role", "deployer")

        let remote = remoteCLI(repository, api: api, token: created.value, caFile: certificates.ca)
        let deployed = try await remote.run("deploy", "web", "--ref", "v1")
        #expect(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")
        // The stream's progress came through as it does over the socket.
        #expect(deployed.stdout.contains("health"), "\(deployed.stdout)")
        let history = try await remote.json([Deployment].self, "history")
        #expect(history.first?.actor == "release-bot")
        #expect(history.first?.outcome == .succeeded)

        // Without the CA the certificate is refused, clearly; plain http to the TLS port fails clearly.
        let untrusted = try await remoteCLI(repository, api: api, token: created.value).run("status")
        #expect(untrusted.status == ExitStatus.daemonUnreachable.rawValue)
        #expect(untrusted.stderr.contains("SLIPWAY_CA_FILE"), "\(untrusted.stderr)")
        let plain = try await remoteCLI(repository, api: api.replacingOccurrences(of: "https://", with: "http://"),
                                        token: created.value).run("status")
        #expect(plain.status == ExitStatus.daemonUnreachable.rawValue, "\(plain.stdout)\(plain.stderr)")
        #expect(plain.stderr.contains("use https://"), "\(plain.stderr)")
        #expect(!plain.stderr.contains(created.value) && !untrusted.stderr.contains(created.value))
    }
}

/// A CA and a server certificate for 127.0.0.1 signed by it, in a temporary directory.
struct TestCertificates {
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }
    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let directory: TemporaryDirectory
    var ca: String { directory.path("ca.pem") }
    var cert: String { directory.path("api.pem") }
    var key: String { directory.path("api.key") }

    init(openssl: String) throws {
        directory = try TemporaryDirectory()
        _ = try directory.write("leaf.ext", "subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\n"
                                + "keyUsage = digitalSignature\nextendedKeyUsage = serverAuth\n")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Slipway Test CA"])
        try run(openssl, ["req"] + ec + ["-keyout", "api.key", "-out", "api.csr", "-subj", "/CN=127.0.0.1"])
        try run(openssl, ["x509", "-req", "-in", "api.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                          "-out", "api.pem", "-days", "2", "-extfile", "leaf.ext"])
    }

    private func run(_ openssl: String, _ arguments: [String]) throws {
        let result = try ChildProgram.run(openssl, arguments, in: directory.path)
        guard result.status == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    func remove() { directory.remove() }
}
