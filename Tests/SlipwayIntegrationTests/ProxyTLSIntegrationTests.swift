import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SlipwayModel
import SlipwayProxy
import SlipwayTestSupport
import Synchronization
import Testing

/// `proxy.tls` in the real proxy process (`slipway proxy run`): certificates made at test time by a
/// throwaway CA (ECDSA P-256), chosen by SNI, reloaded from disk without a restart, a broken
/// replacement refused; plain requests redirected; the upstream told the request came over https.
@Suite(.serialized) struct ProxyTLSIntegrationTests {
    let www = "www.example.test"
    let api = "api.example.test"

    @Test func httpsServesEachHostsCertificateByNameAndReloadsReplacedFiles() async throws {
        let ca = try TestCertificateAuthority()
        let directory = try TemporaryDirectory(prefix: "slipway-it-tls")
        defer { directory.remove() }
        let wwwCert = try ca.issue(names: [www])
        let apiCert = try ca.issue(names: ["*.example.test"], commonName: api)
        try directory.write("certs/www.pem", wwwCert.chainPEM)
        try directory.write("certs/www.key", wwwCert.keyPEM)
        try directory.write("certs/api.pem", apiCert.chainPEM)
        try directory.write("certs/api.key", apiCert.keyPEM)
        let upstream = try await EchoUpstream.start()
        defer { Task { await upstream.stop() } }

        let state = try directory.makeDirectory("state")
        let tls = ProxyTLSConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), certificates: [
            HostCertificate(host: www, cert: directory.path("certs/www.pem"), key: directory.path("certs/www.key")),
            HostCertificate(host: "*.example.test", cert: directory.path("certs/api.pem"), key: directory.path("certs/api.key")),
        ], redirectHTTP: true)
        let files = ProxyFiles(stateDirectory: state)
        let program = try BackgroundProgram(Binaries.slipway, [
            "proxy", "run", "--state-directory", state, "--listen", "127.0.0.1:0",
            "--tls", String(decoding: try JSONEncoder().encode(tls), as: UTF8.self), "--certificate-check-ms", "100",
        ], in: state)
        defer {
            if let pid = files.readState()?.pid { kill(pid, SIGTERM) }
        }
        var status: ProxyStatus?
        #expect(await eventually { status = files.readState(); return status?.tlsListen != nil })
        let plainPort = try #require(status.flatMap { SocketAddressSpec(parsing: $0.listen) }?.port)
        let tlsPort = try #require(status?.tlsListen.flatMap(SocketAddressSpec.init(parsing:))?.port)
        #expect(status?.tls == tls)
        let control = ProxyControlClient(files: files)
        let web = ServiceKey(service: "web")
        _ = try await control.send(ProxyControlRequest(.configure, service: web,
                                                       route: ProxyRoute(service: web, route: RouteConfig(path: "/"), backends: nil)))
        _ = try await control.send(ProxyControlRequest(.switchTraffic, service: web, upstream: upstream.upstream))

        let client = try TLSTestClient(ca: ca)
        // Each name gets its own certificate; the upstream hears plain HTTP/1.1 saying https.
        let first = try await client.get(port: tlsPort, serverName: www, path: "/a?b=1")
        #expect(first.certificateDER == wwwCert.der)
        #expect(first.response.hasPrefix("HTTP/1.1 200"), "\(first.response)")
        #expect(first.response.contains("proto=https host=\(www) target=/a?b=1"), "\(first.response)")
        // Keep-alive over TLS: three pipelined requests on one connection, answered in order.
        let pipelined = try await client.get(port: tlsPort, serverName: www, path: "/1", then: ["/2", "/3"])
        #expect(pipelined.response.components(separatedBy: "HTTP/1.1 200").count == 4, "\(pipelined.response)")
        #expect(pipelined.response.contains("target=/1") && pipelined.response.contains("target=/3"))
        let second = try await client.get(port: tlsPort, serverName: api, path: "/")
        #expect(second.certificateDER == apiCert.der, "a wildcard entry covers the name")
        #expect(second.response.contains("proto=https host=\(api)"), "\(second.response)")
        // No SNI: the first certificate, as nginx's default server (verified without a name).
        let anonymous = try await client.get(port: tlsPort, serverName: nil, path: "/", host: www)
        #expect(anonymous.certificateDER == wwwCert.der)
        #expect(anonymous.protocolNegotiated == "http/1.1")

        // Plain HTTP: redirected for a host with a certificate, served for one without.
        let redirected = try await RawPlainHTTP.get(port: plainPort, host: "\(www):\(plainPort)", target: "/p?q=1")
        #expect(redirected.hasPrefix("HTTP/1.1 308"), "\(redirected)")
        #expect(redirected.lowercased().contains("location: https://\(www):\(tlsPort)/p?q=1\r\n"), "\(redirected)")
        let other = try await RawPlainHTTP.get(port: plainPort, host: "other.example.org", target: "/")
        #expect(other.contains("proto=http host=other.example.org"), "\(other)")
        #expect(upstream.requests.value == 7, "the redirect touched no upstream")

        // A renewed certificate on disk is served without a restart.
        let renewed = try ca.issue(names: [www])
        try directory.write("certs/www.key", renewed.keyPEM)
        try directory.write("certs/www.pem", renewed.chainPEM)
        #expect(await eventually(timeout: .seconds(10)) {
            (try? await client.get(port: tlsPort, serverName: www, path: "/"))?.certificateDER == renewed.der
        })
        // A broken replacement (its key does not match) is refused and the working one stays.
        try directory.write("certs/www.key", try ca.issue(names: [www]).keyPEM)
        #expect(await eventually(timeout: .seconds(10)) {
            program.stdout.contents.contains("certificate files changed but cannot be served")
                || program.stderr.contents.contains("certificate files changed but cannot be served")
        })
        let kept = try await client.get(port: tlsPort, serverName: www, path: "/")
        #expect(kept.certificateDER == renewed.der)
        #expect(kept.response.hasPrefix("HTTP/1.1 200"))
        #expect(files.readState()?.pid == status?.pid, "the same process all along")
        // SIGTERM: a graceful stop, certificate watch included.
        if let pid = status?.pid { kill(pid, SIGTERM) }
        let ended = await program.finished()
        #expect(ended.status == 0, "\(ended.stderr)")
    }

    /// `slipway proxy run --take-over` (what `slipway proxy reload` starts) receives the TLS listening
    /// sockets with the plain ones: the same port keeps answering HTTPS, by the new process.
    @Test func theHandOffCarriesTheTLSListener() async throws {
        let ca = try TestCertificateAuthority()
        let directory = try TemporaryDirectory(prefix: "slipway-it-tls-handoff")
        defer { directory.remove() }
        let issued = try ca.issue(names: [www])
        try directory.write("certs/www.pem", issued.chainPEM)
        try directory.write("certs/www.key", issued.keyPEM)
        let upstream = try await EchoUpstream.start()
        defer { Task { await upstream.stop() } }
        let state = try directory.makeDirectory("state")
        let tls = ProxyTLSConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), certificates: [
            HostCertificate(host: www, cert: directory.path("certs/www.pem"), key: directory.path("certs/www.key")),
        ])
        let files = ProxyFiles(stateDirectory: state)
        let arguments = ["proxy", "run", "--state-directory", state, "--listen", "127.0.0.1:0",
                         "--tls", String(decoding: try JSONEncoder().encode(tls), as: UTF8.self)]
        let first = try BackgroundProgram(Binaries.slipway, arguments, in: state)
        var status: ProxyStatus?
        #expect(await eventually { status = files.readState(); return status?.tlsListen != nil })
        let before = try #require(status)
        defer { if let pid = files.readState()?.pid { kill(pid, SIGTERM) } }
        let web = ServiceKey(service: "web")
        let control = ProxyControlClient(files: files)
        _ = try await control.send(ProxyControlRequest(.configure, service: web,
                                                       route: ProxyRoute(service: web, route: RouteConfig(path: "/"), backends: nil)))
        _ = try await control.send(ProxyControlRequest(.switchTraffic, service: web, upstream: upstream.upstream))
        let tlsPort = try #require(before.tlsListen.flatMap(SocketAddressSpec.init(parsing:))?.port)
        let client = try TLSTestClient(ca: ca)
        #expect(try await client.get(port: tlsPort, serverName: www, path: "/").response.contains("proto=https"))

        let successor = try BackgroundProgram(Binaries.slipway, arguments + ["--take-over"], in: state)
        #expect(await eventually { files.readState().map { $0.pid != before.pid } ?? false })
        let after = try #require(files.readState())
        #expect(after.tlsListen == before.tlsListen, "the same TLS socket, handed over")
        #expect(after.listen == before.listen)
        let served = try await client.get(port: tlsPort, serverName: www, path: "/")
        #expect(served.certificateDER == issued.der)
        #expect(served.response.contains("proto=https"), "\(served.response)")
        // The predecessor drains and exits.
        let ended = await first.finished()
        #expect(ended.status == 0, "\(ended.stdout)\n\(ended.stderr)")
        kill(after.pid, SIGTERM)
        #expect(await successor.finished().status == 0)
    }

    /// `slipway serve` starts its proxy process with `proxy.tls` from slipway.yml: a deployed release
    /// answers over HTTPS, and `slipway proxy status` names the TLS address.
    @Test func serveStartsItsProxyWithTLSFromTheConfig() async throws {
        let ca = try TestCertificateAuthority()
        let issued = try ca.issue(names: [www])
        let config = TestRepository.config().replacingOccurrences(of: "proxy:\n  listen: 127.0.0.1:0\n", with: """
            proxy:
              listen: 127.0.0.1:0
              tls:
                listen: 127.0.0.1:0
                certificates: { \(www): { cert: certs/www.pem, key: certs/www.key } }

            """)
        let repository = try TestRepository(config: config)
        defer { repository.remove() }
        try repository.write("VERSION", "v1\n")
        try FileManager.default.createDirectory(atPath: repository.root + "/certs", withIntermediateDirectories: true)
        try repository.write("certs/www.pem", issued.chainPEM)
        try repository.write("certs/www.key", issued.keyPEM)
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let files = ProxyFiles(stateDirectory: repository.root + "/.slipway")
        let state = try #require(files.readState())
        let tlsPort = try #require(state.tlsListen.flatMap(SocketAddressSpec.init(parsing:))?.port)
        let served = try await TLSTestClient(ca: ca).get(port: tlsPort, serverName: www, path: "/")
        #expect(served.certificateDER == issued.der)
        #expect(served.response.hasSuffix("hello from v1\n"), "\(served.response)")
        let status = try await cli.run("proxy", "status")
        #expect(status.stdout.contains("and https://127.0.0.1:\(tlsPort)"), "\(status.stdout)")
    }

    /// The plain address moves while the TLS one stays: the new proxy takes the TLS sockets over
    /// from the old one (it could not bind them beside it), binds the new plain address, and the
    /// old process exits.
    @Test func aProxyMovedToAnotherPlainAddressKeepsItsTLSListener() async throws {
        let ca = try TestCertificateAuthority()
        let issued = try ca.issue(names: [www])
        let tlsPort = try ProxyProcessIntegrationTests.freePort()
        func config(plain: String) -> String {
            TestRepository.config().replacingOccurrences(of: "proxy:\n  listen: 127.0.0.1:0\n", with: """
                proxy:
                  listen: \(plain)
                  tls:
                    listen: 127.0.0.1:\(tlsPort)
                    certificates: { \(www): { cert: certs/www.pem, key: certs/www.key } }

                """)
        }
        let repository = try TestRepository(config: config(plain: "127.0.0.1:0"))
        defer { repository.remove() }
        try FileManager.default.createDirectory(atPath: repository.root + "/certs", withIntermediateDirectories: true)
        try repository.write("certs/www.pem", issued.chainPEM)
        try repository.write("certs/www.key", issued.keyPEM)
        try repository.release("v1")
        let first = try await DaemonProcess.start(repository)
        #expect(try await CLI(repository: repository).run("deploy", "web", "--ref", "v1").status == 0)
        let old = try #require(repository.proxyPID)
        first.kill9()

        let elsewhere = try ProxyProcessIntegrationTests.freePort()
        try repository.write("slipway.yml", config(plain: "127.0.0.1:\(elsewhere)"))
        let moved = try await DaemonProcess.start(repository)
        defer { moved.terminate() }
        #expect(moved.url == "http://127.0.0.1:\(elsewhere)")
        #expect(try await LoopbackHTTP.get(moved.url + "/").body == "hello from v1\n")
        let served = try await TLSTestClient(ca: ca).get(port: tlsPort, serverName: www, path: "/")
        #expect(served.response.hasSuffix("hello from v1\n"), "\(served.response)")
        #expect(repository.proxyPID != old)
        #expect(await eventually { ProxyProcessIntegrationTests.hasExited(old) }, "the proxy on the old address exited")
    }

    @Test func checkReportsAnUnusableCertificateAtItsKey() async throws {
        let ca = try TestCertificateAuthority()
        let directory = try TemporaryDirectory(prefix: "slipway-it-tls-check")
        defer { directory.remove() }
        let expired = try ca.issue(names: [www], notBefore: Date() - 86_400 * 3, notAfter: Date() - 86_400)
        try directory.write("certs/www.pem", expired.chainPEM)
        try directory.write("certs/www.key", expired.keyPEM)
        let file = try directory.write("slipway.yml", """
            proxy:
              tls:
                listen: 127.0.0.1:8443
                certificates:
                  \(www): { cert: certs/www.pem, key: certs/www.key }
            services:
              web:
                run: python3 app.py

            """)
        let result = try await runProgram(Binaries.slipway, ["check", "--config", file], in: directory.path)
        #expect(result.status == ExitStatus.configInvalid.rawValue)
        #expect(result.stderr.contains("slipway.yml:5:27: proxy.tls.certificates.\(www).cert: \"certs/www.pem\": expired on"),
                "\(result.stderr)")
    }
}

/// An upstream that answers every request with the `X-Forwarded-Proto`, Host and target it received.
final class EchoUpstream: Sendable {
    let channel: Channel
    let requests: RequestCounter
    var upstream: Upstream { Upstream(host: "127.0.0.1", port: channel.localAddress?.port ?? 0, releaseID: "echo") }

    private init(channel: Channel, requests: RequestCounter) {
        self.channel = channel
        self.requests = requests
    }

    static func start() async throws -> EchoUpstream {
        let counter = RequestCounter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler(counter: counter)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return EchoUpstream(channel: channel, requests: counter)
    }

    func stop() async { try? await channel.close() }

    private final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let counter: RequestCounter
        var received = ""

        init(counter: RequestCounter) { self.counter = counter }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            while let end = received.range(of: "\r\n\r\n") {
                let head = String(received[..<end.lowerBound])
                received = String(received[end.upperBound...])
                counter.increment()
                let lines = head.split(separator: "\r\n")
                let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
                func header(_ name: String) -> String {
                    lines.first { $0.lowercased().hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) } ?? "-"
                }
                let body = "proto=\(header("x-forwarded-proto")) host=\(header("host")) target=\(target)\n"
                let response = "HTTP/1.1 200 OK\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)"
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
            }
        }
    }
}

/// Requests an upstream answered, across event loops.
final class RequestCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// One plain HTTP/1.1 request on a new connection (`Connection: close`); the whole response as text.
enum RawPlainHTTP {
    static func get(port: Int, host: String, target: String) async throws -> String {
        let collector = ResponseCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector.handler()) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"))
        return try await collector.result(within: .seconds(10))
    }
}

/// A TLS client that trusts the test CA, sends SNI as told, and reports the certificate it was served.
final class TLSTestClient: Sendable {
    let verified: NIOSSLContext
    let unnamed: NIOSSLContext

    struct Result {
        var certificateDER: [UInt8]
        var protocolNegotiated: String?
        var response: String
    }

    init(ca: TestCertificateAuthority) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(ca.pem.utf8), format: .pem)])
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.minimumTLSVersion = .tlsv12
        verified = try NIOSSLContext(configuration: configuration)
        configuration.certificateVerification = .noHostnameVerification
        unnamed = try NIOSSLContext(configuration: configuration)
    }

    /// `requests` paths on one connection, pipelined, the last with `Connection: close`.
    func get(port: Int, serverName: String?, path: String, host: String? = nil, then more: [String] = []) async throws -> Result {
        let collector = ResponseCollector()
        let context = serverName == nil ? unnamed : verified
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName))
                    try channel.pipeline.syncOperations.addHandler(collector.handler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let name = host ?? serverName ?? "localhost"
        let paths = [path] + more
        let requests = paths.enumerated().map { index, path in
            "GET \(path) HTTP/1.1\r\nHost: \(name)\r\n" + (index == paths.count - 1 ? "Connection: close\r\n" : "") + "\r\n"
        }
        try await channel.writeAndFlush(ByteBuffer(string: requests.joined()))
        let response = try await collector.result(within: .seconds(10))
        let (der, alpn) = collector.handshake.withLock { $0 }
        return Result(certificateDER: der, protocolNegotiated: alpn, response: response)
    }
}

/// Collects a connection's bytes until it closes; for TLS, the served certificate and ALPN.
final class ResponseCollector: Sendable {
    let text = Mutex("")
    let handshake = Mutex<([UInt8], String?)>(([], nil))
    private let done = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let closed = Mutex(false)

    func handler() -> Handler { Handler(collector: self) }

    func result(within timeout: Duration) async throws -> String {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let already = self.closed.withLock { closed in
                        if !closed { self.done.withLock { $0 = continuation } }
                        return closed
                    }
                    if already { continuation.resume() }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TestFailure("no complete response within \(timeout): \(self.text.withLock { $0 })")
            }
            try await group.next()
            group.cancelAll()
        }
        return text.withLock { $0 }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let collector: ResponseCollector
        init(collector: ResponseCollector) { self.collector = collector }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let chunk = String(buffer: unwrapInboundIn(data))
            collector.text.withLock { $0 += chunk }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent,
               let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) {
                let der = (try? tls.peerCertificate?.toDERBytes()) ?? []
                collector.handshake.withLock { $0 = (der, negotiated) }
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            collector.text.withLock { $0 += "error: \(error)" }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            let waiter = collector.closed.withLock { closed in
                closed = true
                return collector.done.withLock { waiter in defer { waiter = nil }; return waiter }
            }
            waiter?.resume()
        }
    }
}
