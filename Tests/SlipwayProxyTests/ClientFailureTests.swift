#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import SlipwayModel
import Testing

@Suite struct ClientFailureTests {
    /// A client that resets its connection while its request waits upstream ends the exchange: it
    /// is counted as a client abort and no longer as in flight, so a drain doesn't wait for it.
    @Test(.timeLimit(.minutes(1)))
    func resetWhileWaitingForTheResponseEndsTheExchange() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: client.port).get()
            try await channel.writeAndFlush(channel.allocator.buffer(string: "GET /hold HTTP/1.1\r\nHost: a\r\n\r\n"))
            await web.waitForRequests(1)
            // SO_LINGER 0: the close sends a reset, which the proxy reads as an error.
            let sockets = try #require(channel as? SocketOptionProvider)
            try await sockets.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            try await channel.close()

            #expect(await proxy.drain(web.upstream, timeout: .seconds(5)) == 0)
            let statistics = try #require(await proxy.statistics().first)
            #expect(statistics.inFlight == 0)
            #expect(statistics.clientAborts == 1)
            web.releaseHeld()
            // The proxy serves on.
            #expect(try await client.get("/").body == "web")
        }
    }

    /// A request the decoder can't parse gets NIO's answer, 400 and a close, from the proxy itself.
    @Test func unparsableRequestIsAnswered400() async throws {
        try await withProxy { proxy, client async throws in
            let text = try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost a\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(text.lowercased().contains("connection: close\r\n"))
        }
    }
}
