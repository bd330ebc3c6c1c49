import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Steady HTTP load on the proxy: a few keep-alive clients each sending one request after another,
/// counting what was served, by which version, and every failure by kind.
final class LoadGenerator: Sendable {
    struct Counts: Sendable, Equatable {
        var served = 0
        var failed = 0
        var failures: [String: Int] = [:]
        var versions: [String: Int] = [:]

        static func - (lhs: Counts, rhs: Counts) -> Counts {
            var result = Counts(served: lhs.served - rhs.served, failed: lhs.failed - rhs.failed)
            for (key, value) in lhs.failures { result.failures[key] = value - (rhs.failures[key] ?? 0) }
            for (key, value) in lhs.versions { result.versions[key] = value - (rhs.versions[key] ?? 0) }
            result.failures = result.failures.filter { $0.value != 0 }
            result.versions = result.versions.filter { $0.value != 0 }
            return result
        }
    }

    private let counts = Mutex(Counts())
    private let stopped = Mutex(false)
    private let url: String
    private let clients: Int
    private let http: HTTPClient
    /// The release that answered, or nil when the answer is not one a release gives whole.
    private let releaseOf: @Sendable (_ versionHeader: String?, _ body: String) -> String?

    /// By default a response counts when its body is the example service's greeting for the version
    /// its `X-Release-Version` header names: a body from one release with another's header would fail.
    init(url: String, clients: Int = 4,
         releaseOf: @escaping @Sendable (_ versionHeader: String?, _ body: String) -> String? = { header, body in
             header.flatMap { body == "hello from \($0)\n" ? $0 : nil }
         }) {
        self.url = url
        self.clients = clients
        self.releaseOf = releaseOf
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    var snapshot: Counts { counts.withLock { $0 } }

    /// Sends requests until `stop()` (or the task is cancelled).
    func run() async {
        await withDiscardingTaskGroup { group in
            for _ in 0..<clients {
                group.addTask {
                    while !Task.isCancelled && !self.stopped.withLock({ $0 }) {
                        await self.once()
                    }
                }
            }
        }
    }

    /// Ends `run()` after the requests in flight.
    func stop() {
        stopped.withLock { $0 = true }
    }

    private func once() async {
        do {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            if (200..<300).contains(response.status.code),
               let version = releaseOf(response.headers.first(name: "X-Release-Version"), String(buffer: body)) {
                counts.withLock {
                    $0.served += 1
                    $0.versions[version, default: 0] += 1
                }
            } else {
                record("HTTP \(response.status.code)")
            }
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            record(String(describing: type(of: error)) + ": \(error)")
        }
    }

    private func record(_ failure: String) {
        counts.withLock {
            $0.failed += 1
            $0.failures[failure, default: 0] += 1
        }
    }

    func shutdown() async {
        try? await http.shutdown()
    }
}
