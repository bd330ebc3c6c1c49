import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SlipwayTestSupport

/// Let's Encrypt's test ACME server (Debian's `pebble`), really validating HTTP-01 against the
/// proxy: `pebble-challtestsrv` answers its DNS queries for every name with 127.0.0.1, and its
/// own HTTPS uses a certificate from a throwaway CA (Debian ships none), which the daemon trusts
/// through `ca_file`. Pebble keeps no state between runs: each start is a new CA.
struct Pebble {
    static let binary = "/usr/bin/pebble"
    static let challengeServer = "/usr/bin/pebble-challtestsrv"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.isExecutableFile(atPath: challengeServer)
    }
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    let directory: TemporaryDirectory
    let authority: TestCertificateAuthority
    let port: Int
    let managementPort: Int
    let dnsPort: Int

    init() throws {
        directory = try TemporaryDirectory(prefix: "slipway-it-pebble")
        authority = try TestCertificateAuthority(name: "Slipway Test CA for Pebble")
        let served = try authority.issue(names: ["localhost"])
        try directory.write("ca.pem", authority.pem)
        try directory.write("pebble.pem", served.chainPEM)
        try directory.write("pebble.key", served.keyPEM)
        port = try ProxyProcessIntegrationTests.freePort()
        managementPort = try ProxyProcessIntegrationTests.freePort()
        dnsPort = try ProxyProcessIntegrationTests.freePort()
    }

    var caFile: String { directory.path("ca.pem") }
    var directoryURL: String { "https://localhost:\(port)/dir" }

    /// The DNS mock: every A query answered 127.0.0.1, no AAAA (the proxy listens on IPv4).
    func startDNS() throws -> BackgroundProgram {
        try BackgroundProgram(Self.challengeServer, [
            "-dns01", "127.0.0.1:\(dnsPort)", "-http01", "", "-https01", "", "-tlsalpn01", "",
            "-management", "127.0.0.1:\(try ProxyProcessIntegrationTests.freePort())", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
        ], in: directory.path)
    }

    /// Pebble validating HTTP-01 on `httpPort`, issuing certificates valid for `validity` seconds.
    /// Its random waits are off and every order needs a fresh proof (no authorization reuse); the
    /// challenge is validated for real (`PEBBLE_VA_ALWAYS_VALID` is not set).
    func start(httpPort: Int, validity: Int) async throws -> BackgroundProgram {
        guard ProcessInfo.processInfo.environment["PEBBLE_VA_ALWAYS_VALID"] == nil else {
            throw TestFailure("PEBBLE_VA_ALWAYS_VALID is set: Pebble would not validate the challenge; unset it")
        }
        let config = """
            {"pebble": {"listenAddress": "127.0.0.1:\(port)", "managementListenAddress": "127.0.0.1:\(managementPort)",
              "certificate": "\(directory.path("pebble.pem"))", "privateKey": "\(directory.path("pebble.key"))",
              "httpPort": \(httpPort), "tlsPort": \(try ProxyProcessIntegrationTests.freePort()),
              "ocspResponderURL": "", "externalAccountBindingRequired": false, "certificateValidityPeriod": \(validity)}}
            """
        try directory.write("pebble-config.json", config)
        let program = try BackgroundProgram(Self.binary, ["-config", directory.path("pebble-config.json"),
                                                          "-dnsserver", "127.0.0.1:\(dnsPort)"],
                                            in: directory.path,
                                            environment: ["PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0",
                                                          "PEBBLE_AUTHZREUSE": "0"])
        let listening = await eventually(timeout: .seconds(20)) {
            program.stdout.contents.contains("Listening on:") || program.stderr.contents.contains("Listening on:")
        }
        guard listening else {
            throw TestFailure("pebble did not start: \(program.stdout.contents)\(program.stderr.contents)")
        }
        return program
    }

    /// The intermediate this run of Pebble issues from (its management interface), DER.
    func intermediate() async throws -> [UInt8] {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(authority.pem.utf8), format: .pem)])
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let response = try await client.execute(HTTPClientRequest(url: "https://localhost:\(managementPort)/intermediates/0"),
                                                    timeout: .seconds(10))
            let pem = String(buffer: try await response.body.collect(upTo: 1 << 20))
            try await client.shutdown()
            return try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem).toDERBytes()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
