import Glibc
import Logging
import NIOCore
import NIOPosix
import SlipwayModel
@testable import SlipwayProxy
import Testing

/// The accept path: one `SO_REUSEPORT` listening socket per event loop, each serving what it accepts.
/// Serialized: each test starts event loop groups of its own, and together they would crowd the
/// two cores the other suites' timeouts are measured on.
@Suite(.serialized) struct AcceptTests {
    /// Each loop's socket accepts its share and serves it on that loop: a connection served on
    /// another loop than the one whose initializer took it would trap on that loop's state.
    @Test(.timeLimit(.minutes(1)))
    func connectionsAreAcceptedOnEveryLoopAndServedThere() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        try await withRunningProxy(on: group, routingTo: "web") { proxy, port, _ in
            let descriptors = proxy.listeningDescriptors()
            #expect(descriptors.count == 3)
            #expect(Set(descriptors).count == 3)
            #expect(descriptors.allSatisfy(hasReusePort))

            try await expectEveryRequestServed(port: port, connections: 48, by: "web")
            let accepted = try await proxy.acceptedPerLoop()
            #expect(accepted.reduce(0, +) == 48)
            // The kernel hashes connections over the three sockets: a loop left without any of 48
            // happens with probability 3 × (2/3)^48, about 1e-8.
            #expect(accepted.allSatisfy { $0 > 0 }, "accepted per loop: \(accepted)")
        }
        try await group.shutdownGracefully()
    }

    /// A successor adopts the predecessor's sockets (as a hand-off over SCM_RIGHTS gives them, the
    /// predecessor paused first, as `ProxyHost` does) and serves on the same port once the
    /// predecessor stops accepting, which closes only its own descriptors. With fewer sockets than
    /// loops the successor binds more beside them; with more, a loop takes several.
    @Test(.timeLimit(.minutes(1)), arguments: [1, 2, 3])
    func successorServesOnTheInheritedSockets(successorLoops: Int) async throws {
        let firstGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let secondGroup = MultiThreadedEventLoopGroup(numberOfThreads: successorLoops)
        try await withRunningProxy(on: firstGroup, routingTo: "old") { first, port, firstRun in
            await first.pauseAccepting()
            let handed = first.listeningDescriptors().map { dup($0) }
            #expect(handed.count == 2 && handed.allSatisfy { $0 >= 0 })

            try await withRunningProxy(on: secondGroup, routingTo: "new", inheriting: handed) { second, secondPort, _ in
                #expect(secondPort == port)
                #expect(second.listeningDescriptors().count == max(2, successorLoops))

                await first.stopAccepting()
                try await firstRun.value
                #expect(first.listeningDescriptors().isEmpty)

                try await expectEveryRequestServed(port: port, connections: 48, by: "new")
                let accepted = try await second.acceptedPerLoop()
                #expect(accepted.reduce(0, +) == 48)
                // A loop without any of 48 over at most three sockets: 3 × (2/3)^48, about 1e-8.
                #expect(accepted.allSatisfy { $0 > 0 }, "accepted per loop: \(accepted)")
            }
        }
        try await firstGroup.shutdownGracefully()
        try await secondGroup.shutdownGracefully()
    }

    /// SO_REUSEPORT lets any socket of the same user bind beside the proxy's; the proxy's own
    /// probe makes a second proxy on the same address fail instead of taking a share of its
    /// connections.
    @Test(.timeLimit(.minutes(1)))
    func secondProxyOnATakenAddressFailsAndTakesNoConnection() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        try await withRunningProxy(on: group, routingTo: "web") { _, port, _ in
            let second = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: port), eventLoopGroup: group,
                                      logger: Logger(label: "test.proxy"))
            // Run apart from the expectation: were the address not refused, `run` would serve on.
            let secondRun = Task { try await second.run() }
            await #expect(throws: SlipwayError.self) { try await second.localAddress() }
            #expect(second.listeningDescriptors().isEmpty)
            secondRun.cancel()
            _ = try? await secondRun.value

            try await expectEveryRequestServed(port: port, connections: 16, by: "web")
        }
        try await group.shutdownGracefully()
    }

    /// NIO's adoption of a descriptor that is no listening socket trips an assertion; the proxy
    /// refuses it first, with an error.
    @Test func inheritingADescriptorThatIsNotASocketFails() async throws {
        var ends: [CInt] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[1]) }
        // The proxy owns what it inherits, so it closes the pipe's read end when it gives up.
        let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), logger: Logger(label: "test.proxy"),
                                 inheriting: [ends[0]])
        await #expect(throws: SlipwayError.self) { try await proxy.run() }
        await #expect(throws: SlipwayError.self) { try await proxy.localAddress() }
    }
}

/// Runs a proxy on `group` routing service `web` to a fresh backend named `backend`, for the
/// length of `body`; `body` gets the proxy, its port and the task running it.
private func withRunningProxy(
    on group: MultiThreadedEventLoopGroup,
    routingTo backend: String,
    inheriting: [CInt] = [],
    _ body: (ReverseProxy, Int, Task<Void, Error>) async throws -> Void
) async throws {
    let web = try await TestBackend.start(name: backend)
    var logger = Logger(label: "test.proxy")
    logger.logLevel = .warning
    let proxy = ReverseProxy(listen: SocketAddressSpec(host: "127.0.0.1", port: 0), eventLoopGroup: group,
                             logger: logger, inheriting: inheriting)
    await proxy.route("web", to: web.upstream)
    let running = Task { try await proxy.run() }
    do {
        try await body(proxy, try await proxy.localAddress().port, running)
    } catch {
        running.cancel()
        _ = try? await running.value
        await web.stop()
        throw error
    }
    running.cancel()
    try await running.value
    await web.stop()
}

/// `connections` requests, each on a connection of its own, all answered by `backend`. At most
/// four at a time: a burst of client tasks would hold up the suites that run beside this one
/// (their 300 ms idle timeouts fire while their clients wait for a thread).
private func expectEveryRequestServed(port: Int, connections: Int, by backend: String) async throws {
    let answers = try await withThrowingTaskGroup(of: String.self) { group in
        var answers: [String] = []
        for index in 0..<connections {
            if index >= 4, let answer = try await group.next() { answers.append(answer) }
            group.addTask {
                try await RawHTTP.exchange(port: port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            }
        }
        for try await answer in group { answers.append(answer) }
        return answers
    }
    #expect(answers.count == connections)
    let served = answers.filter { $0.hasPrefix("HTTP/1.1 200 OK\r\n") && $0.hasSuffix("\r\n\r\n\(backend)") }
    #expect(served.count == connections, "first answer not from \(backend): \(answers.first { !$0.hasSuffix(backend) } ?? "")")
}

private func hasReusePort(_ descriptor: CInt) -> Bool {
    var value: CInt = 0
    var size = socklen_t(MemoryLayout<CInt>.size)
    return getsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &value, &size) == 0 && value != 0
}

extension ReverseProxy {
    /// How many client connections each event loop has accepted.
    fileprivate func acceptedPerLoop() async throws -> [Int] {
        var counts: [Int] = []
        for box in loops.values {
            counts.append(try await box.eventLoop.submit { box.value.clients.accepted }.get())
        }
        return counts
    }
}
