import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProxy

/// Over TLS NIOSSL cannot write a `FileRegion`: cached files go as their buffers, larger ones a
/// chunk at a time (`FileTransfer`).
@Suite struct StaticTLSTests {
    @Test func smallAndLargeFilesAndRangesOverTLS() async throws {
        let ca = try TestCertificateAuthority()
        let state = try TemporaryDirectory(prefix: "slipway-static-tls")
        let issued = try ca.issue(names: ["localhost"])
        let certificate = HostCertificate(host: "localhost", cert: try state.write("c.pem", issued.chainPEM),
                                          key: try state.write("k.pem", issued.keyPEM))
        let tls = try ProxyTLS(ProxyTLSConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), certificates: [certificate]),
                               stateDirectory: state.path, logger: .quiet)
        let release = try SiteRelease(files: ["index.html": "home"])
        let size = 2 * 1024 * 1024 + 5
        let text = String(String(repeating: "0123456789abcdef", count: size / 16 + 1).prefix(size))
        try release.write("big.txt", Data(text.utf8))

        let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: .quiet, tls: tls)
        var configuration = HTTPClient.Configuration()
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        tlsConfiguration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(ca.pem.utf8), format: .pem)])
        configuration.tlsConfiguration = tlsConfiguration
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            _ = try await proxy.localAddress()
            await proxy.route("site", to: release.upstream)
            let port = try #require(proxy.boundTLSAddress()).port
            func get(_ path: String, headers: [(String, String)] = []) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: "https://localhost:\(port)\(path)")
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                let response = try await client.execute(request, timeout: .seconds(30))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 8 << 20)))
            }
            #expect(try await get("/") == (200, "home"))
            // Twice on one keep-alive connection: the transfer ends and the connection goes on.
            for _ in 0..<2 { #expect(try await get("/big.txt") == (200, text)) }
            #expect(try await get("/big.txt", headers: [("Range", "bytes=1048570-1048579")]) == (206, String(text.dropFirst(1_048_570).prefix(10))))
            #expect(try await get("/index.html") == (200, "home"))
            try await client.shutdown()
            group.cancelAll()
        }
    }
}
