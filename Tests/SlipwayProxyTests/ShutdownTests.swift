import Logging
import NIOCore
import NIOPosix
import SlipwayModel
import SlipwayProxy
import Testing

@Suite struct ShutdownTests {
    /// A graceful shutdown stops accepting, lets the in-flight request finish, then `run` returns.
    @Test(.timeLimit(.minutes(1)))
    func gracefulShutdownLetsInFlightRequestFinish() async throws {
        let web = try await TestBackend.start(name: "web")
        var logger = Logger(label: "test.proxy")
        logger.logLevel = .warning
        let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: logger)
        await proxy.route("web", to: web.upstream)

        let running = Task { try await proxy.run() }
        let port = try await proxy.localAddress().port
        let inFlight = Task { try await RawHTTP.exchange(port: port, "GET /hold HTTP/1.1\r\nHost: a\r\n\r\n") }
        await web.waitForRequests(1)

        await proxy.stopAccepting()
        // New connections are refused once the listener is closed.
        await #expect(throws: (any Error).self) {
            _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
        }
        web.releaseHeld()
        let text = try await inFlight.value
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.lowercased().contains("connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\nweb"))
        try await running.value
        await web.stop()
    }

    @Test func cancellingRunClosesTheListener() async throws {
        let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: Logger(label: "test.proxy"))
        let running = Task { try await proxy.run() }
        let port = try await proxy.localAddress().port
        running.cancel()
        try await running.value
        await #expect(throws: (any Error).self) {
            _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
        }
    }

    @Test func bindFailureIsReportedByRunAndLocalAddress() async throws {
        let first = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: Logger(label: "test.proxy"))
        let running = Task { try await first.run() }
        let taken = try await first.localAddress()

        let second = ReverseProxy(listen: taken, logger: Logger(label: "test.proxy"))
        await #expect(throws: SlipwayError.self) { try await second.run() }
        await #expect(throws: SlipwayError.self) { try await second.localAddress() }
        running.cancel()
        try await running.value
    }
}
