import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SlipwayModel
import SlipwayTestSupport
import Synchronization
import Testing
import X509

/// `proxy.tls.acme` against a real ACME server (Pebble) and a real daemon: the certificate is
/// ordered, the challenge validated by Pebble over plain HTTP through the proxy, the chain served
/// over HTTPS; renewed without a restart; a renewal whose challenge cannot be validated is audited
/// as failed and the certificate served before stays. With `CI` set, a missing pebble fails the run.
@Suite(.serialized, .enabled(if: Pebble.isInstalled || Pebble.isCI))
struct ACMEIntegrationTests {
    let host = "www.example.test"

    @Test func certificateIsIssuedServedRenewedAndAFailedRenewalKeepsIt() async throws {
        try #require(Pebble.isInstalled, "pebble and pebble-challtestsrv are needed (apt-get install pebble)")
        let pebble = try Pebble()
        let dns = try pebble.startDNS()
        defer { kill(dns.pid, SIGTERM) }
        let plainPort = try ProxyProcessIntegrationTests.freePort()
        let tlsPort = try ProxyProcessIntegrationTests.freePort()
        // Certificates live 20 s and renew_before is 15 s: each is renewed at half its life, 10 s in.
        let first = try await pebble.start(httpPort: plainPort, validity: 20)
        defer { kill(first.pid, SIGTERM) }
        let repository = try TestRepository(config: config(plainPort: plainPort, tlsPort: tlsPort, pebble: pebble))
        defer { repository.remove() }
        try repository.release("v1")
        let cli = CLI(repository: repository)
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let deployed = try await cli.run("deploy", "web", "--ref", "v1")
        try #require(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")

        // Issued: audited, written 0600, served over HTTPS with Pebble's intermediate as its issuer.
        let intermediate = try await pebble.intermediate()
        _ = try await awaitAudit(.certificateIssued, cli, daemon)
        let certificateFile = repository.root + "/.slipway/acme/certificates/\(host)/cert.pem"
        let keyFile = repository.root + "/.slipway/acme/certificates/\(host)/key.pem"
        for file in [certificateFile, keyFile, repository.root + "/.slipway/acme/account.key"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "\(file)")
        }
        var served: ServedChain?
        #expect(await eventually(timeout: .seconds(15)) {
            served = try? await ServedChain.fetch(port: tlsPort, serverName: host)
            return served?.leaf == (try? Self.leafDER(certificateFile))
        })
        let issued = try #require(served)
        #expect(issued.chain.count >= 2 && issued.chain[1] == intermediate, "the chain Pebble's intermediate issued")
        #expect(try Certificate(derEncoded: issued.leaf).issuer == Certificate(derEncoded: intermediate).subject)
        #expect(issued.response.contains("hello from v1"), "\(issued.response)")
        #expect(await audited(.certificateOrdered, cli)?.detail.contains("no certificate yet") == true)

        // Renewed by itself, without a restart: a new certificate, served at the proxy's next look.
        _ = try await awaitAudit(.certificateRenewed, cli, daemon)
        let renewedLeaf = try Self.leafDER(certificateFile)
        #expect(renewedLeaf != issued.leaf)
        // Pebble stops now: the next renewal (10 s after this one) meets a new Pebble whose HTTP-01
        // validation goes to a port where nothing answers.
        kill(first.pid, SIGTERM)
        _ = await first.finished()
        let deadPort = try ProxyProcessIntegrationTests.freePort()
        let second = try await pebble.start(httpPort: deadPort, validity: 20)
        defer { kill(second.pid, SIGTERM) }
        var renewed: ServedChain?
        #expect(await eventually(timeout: .seconds(15)) {
            renewed = try? await ServedChain.fetch(port: tlsPort, serverName: host)
            return renewed?.leaf == renewedLeaf
        }, "the renewed certificate is served without a restart")

        let failed = try await awaitAudit(.certificateFailed, cli, daemon)
        #expect(failed.detail.contains(host))
        #expect(failed.detail.contains("urn:ietf:params:acme:error:"), "the ACME problem's type: \(failed.detail)")
        #expect(failed.detail.contains("the certificate served before stays"), "\(failed.detail)")
        #expect(try Self.leafDER(certificateFile) == renewedLeaf, "a failed order leaves the files alone")
        let kept = try await ServedChain.fetch(port: tlsPort, serverName: host)
        #expect(kept.leaf == renewedLeaf, "the previous certificate keeps being served")
        #expect(kept.response.contains("hello from v1"))

        // No private key anywhere in the audit trail or the daemon's output.
        let audit = try await cli.run("audit", "--json").stdout
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        let keyBody = key.split(separator: "\n").dropFirst().first.map(String.init) ?? key
        #expect(!audit.contains("PRIVATE KEY") && !audit.contains(keyBody))
        #expect(!daemon.output.contents.contains("PRIVATE KEY") && !daemon.output.contents.contains(keyBody))

        // The proxy is handed the files, not the ACME settings: a daemon started again with another
        // renew_before adopts the running proxy instead of replacing it.
        let proxyPID = try #require(repository.proxyPID)
        daemon.kill9()
        try repository.write("slipway.yml", config(plainPort: plainPort, tlsPort: tlsPort, pebble: pebble)
            .replacingOccurrences(of: "renew_before: 15s", with: "renew_before: 14s"))
        let again = try await DaemonProcess.start(repository)
        defer { again.terminate() }
        let adopted = try await cli.json([AuditEntry].self, "audit").last { $0.action == .proxyAdopted }
        #expect(adopted?.detail.hasPrefix("adopted the proxy process \(proxyPID)") == true, "\(String(describing: adopted))")
        #expect(repository.proxyPID == proxyPID)
    }

    private func config(plainPort: Int, tlsPort: Int, pebble: Pebble) -> String {
        TestRepository.config().replacingOccurrences(of: "proxy:\n  listen: 127.0.0.1:0\n", with: """
            proxy:
              listen: 127.0.0.1:\(plainPort)
              tls:
                listen: 127.0.0.1:\(tlsPort)
                redirect_http: true
                acme:
                  email: ops@example.test
                  directory: \(pebble.directoryURL)
                  ca_file: \(pebble.caFile)
                  renew_before: 15s

            """).replacingOccurrences(of: "    run: '\(Binaries.example)'\n", with: "    run: '\(Binaries.example)'\n    route: { host: \(host) }\n")
    }

    /// Waits (a minute at most) for an audit entry of this action; fails with the trail and the daemon's output.
    private func awaitAudit(_ action: AuditAction, _ cli: CLI, _ daemon: DaemonProcess) async throws -> AuditEntry {
        var entry: AuditEntry?
        if await eventually(timeout: .seconds(60), interval: .milliseconds(200), { entry = await audited(action, cli); return entry != nil }),
           let entry {
            return entry
        }
        let trail = (try? await cli.run("audit").stdout) ?? ""
        throw TestFailure("no \(action) audited within 60 s:\n\(trail)\n\(daemon.output.contents)")
    }

    /// The latest audit entry of this action, if any.
    private func audited(_ action: AuditAction, _ cli: CLI) async -> AuditEntry? {
        (try? await cli.json([AuditEntry].self, "audit"))?.last { $0.action == action }
    }

    static func leafDER(_ file: String) throws -> [UInt8] {
        try NIOSSLCertificate.fromPEMFile(file)[0].toDERBytes()
    }
}

/// What the proxy serves over HTTPS for a name: the whole chain as presented (not verified: a
/// certificate from a test CA that lives 20 s), and the answer to `GET /`.
struct ServedChain {
    var chain: [[UInt8]]
    var response: String
    var leaf: [UInt8] { chain.first ?? [] }

    static func fetch(port: Int, serverName: String) async throws -> ServedChain {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: configuration)
        let presented = Mutex<[[UInt8]]>([])
        let collector = ResponseCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
                        presented.withLock { $0 = certificates.compactMap { try? $0.toDERBytes() } }
                        promise.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(collector.handler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: \(serverName)\r\nConnection: close\r\n\r\n"))
        let response = try await collector.result(within: .seconds(10))
        let chain = presented.withLock { $0 }
        guard !chain.isEmpty else { throw TestFailure("no certificate was presented: \(response)") }
        return ServedChain(chain: chain, response: response)
    }
}
