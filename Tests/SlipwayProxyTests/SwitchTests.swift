import SlipwayModel
import SlipwayProxy
import Synchronization
import Testing

@Suite struct SwitchTests {
    /// 8 keep-alive clients hammer the proxy while the service flips between two backends:
    /// no request fails and every response comes wholly from one backend.
    @Test(.timeLimit(.minutes(2)))
    func switchUnderKeepAliveLoadIsAtomicAndLosesNoRequest() async throws {
        try await withProxyToWeb(backends: ["blue", "green"]) { proxy, client, backends async throws in
            let (blue, green) = (backends[0], backends[1])
            let load = LoadRecord()
            let clients = 8
            let requestsPerClient = 150

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        for _ in 0..<requestsPerClient {
                            do {
                                let response = try await client.get("/repeat/500")
                                let name = response.header("x-backend") ?? "?"
                                if response.status != 200 || response.body != String(repeating: name, count: 500) {
                                    load.fail("status \(response.status) from \(name)")
                                }
                            } catch {
                                load.fail("\(error)")
                            }
                            load.count()
                        }
                    }
                }
                group.addTask {
                    var switches = 0
                    while load.completed < clients * requestsPerClient {
                        let next = switches % 2 == 0 ? green.upstream : blue.upstream
                        await proxy.switchTraffic(service: "web", to: next)
                        switches += 1
                        // Let some requests through between switches.
                        await load.wait(forCompleted: min(load.completed + 10, clients * requestsPerClient))
                    }
                }
                try await group.waitForAll()
            }
            #expect(load.failures == [])
            #expect(blue.responsesCompleted + green.responsesCompleted == clients * requestsPerClient)
            #expect(blue.responsesCompleted > 0)
            #expect(green.responsesCompleted > 0)
        }
    }

    /// Release after release under steady load: start the new backend, switch, drain the old
    /// one, stop it. No request may fail, including those racing the old backend's shutdown.
    @Test(.timeLimit(.minutes(2)))
    func cutoversUnderLoadLoseNoRequest() async throws {
        // v0 is stopped by the first cutover; the helper's stop at the end finds it stopped already.
        try await withProxyToWeb(backend: "v0") { proxy, client, first async throws in
            var live = first
            let load = LoadRecord()

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while load.running {
                            do {
                                let response = try await client.get("/")
                                if response.status != 200 {
                                    load.fail("status \(response.status): \(response.body)")
                                }
                            } catch {
                                load.fail("\(error)")
                            }
                            load.count()
                        }
                    }
                }
                for release in 1...10 {
                    let next = try await TestBackend.start(name: "v\(release)")
                    let previous = await proxy.switchTraffic(service: "web", to: next.upstream)
                    #expect(previous == live.upstream)
                    #expect(await proxy.drain(live.upstream, timeout: .seconds(5)) == 0)
                    await live.stop()
                    live = next
                    await load.wait(forCompleted: load.completed + 50)
                }
                load.stop()
                try await group.waitForAll()
            }
            #expect(load.failures == [])
            #expect(load.completed > 500)
            await live.stop()
        }
    }
}

extension SwitchTests {
    /// An upstream that closes idle keep-alive connections after a few milliseconds races the
    /// proxy's reuse of them all the time; replaying idempotent requests hides every race.
    @Test(.timeLimit(.minutes(2)))
    func upstreamClosingIdleConnectionsUnderLoadLosesNoRequest() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            web.closeConnections(idleFor: .milliseconds(2))
            let load = LoadRecord()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<150 {
                            do {
                                let response = try await client.get("/")
                                if response.status != 200 { load.fail("status \(response.status): \(response.body)") }
                            } catch {
                                load.fail("\(error)")
                            }
                            load.count()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(load.failures == [])
            #expect(web.connectionsAccepted > 8)
        }
    }
}

/// What concurrent load tasks report: requests done, failures, and whether to keep going.
final class LoadRecord: Sendable {
    private struct State {
        var completed = 0
        var failures: [String] = []
        var stopped = false
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var completed: Int { state.withLock { $0.completed } }
    var running: Bool { state.withLock { !$0.stopped } }
    var failures: [String] { state.withLock { $0.failures } }

    func count() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.completed += 1
            let completed = state.completed
            let ready = state.waiters.filter { $0.target <= completed }.map(\.continuation)
            state.waiters.removeAll { $0.target <= completed }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    func fail(_ description: String) { state.withLock { $0.failures.append(description) } }
    func stop() { state.withLock { $0.stopped = true } }

    /// Returns once `target` requests have completed.
    func wait(forCompleted target: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.completed >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
