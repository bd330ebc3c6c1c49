import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SlipwayModel
@testable import SlipwayProxy

/// Runs a proxy on 127.0.0.1:0 for the length of `body`, with a fresh HTTP client pointed at it.
func withProxy(
    upstreamTimeout: Duration = .seconds(60),
    connectTimeout: Duration = .seconds(5),
    clientIdleTimeout: Duration = .seconds(75),
    now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
    _ body: (ReverseProxy, ProxyClient) async throws -> Void
) async throws {
    var logger = Logger(label: "test.proxy")
    logger.logLevel = .warning
    let proxy = ReverseProxy(
        listen: SocketAddressSpec(host: "127.0.0.1", port: 0),
        logger: logger,
        upstreamTimeout: upstreamTimeout,
        connectTimeout: connectTimeout,
        clientIdleTimeout: clientIdleTimeout,
        now: now
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await proxy.run() }
        let client = ProxyClient(port: try await proxy.localAddress().port)
        do {
            try await body(proxy, client)
        } catch {
            try? await client.http.shutdown()
            group.cancelAll()
            throw error
        }
        try await client.http.shutdown()
        group.cancelAll()
    }
}

/// `withProxy` with a fresh backend (named `web` unless named otherwise) serving service `web` at
/// `route`; it is stopped after `body`, even when `body` fails.
func withProxyToWeb(
    backend name: String = "web",
    route: RouteConfig = RouteConfig(path: "/"),
    upstreamTimeout: Duration = .seconds(60),
    clientIdleTimeout: Duration = .seconds(75),
    _ body: (ReverseProxy, ProxyClient, TestBackend) async throws -> Void
) async throws {
    try await withProxyToWeb(backends: [name], route: route, upstreamTimeout: upstreamTimeout,
                             clientIdleTimeout: clientIdleTimeout) { proxy, client, backends in
        try await body(proxy, client, backends[0])
    }
}

/// `withProxyToWeb` with several backends: the first serves service `web`, the others wait for the
/// test to route or switch to them. All are stopped after `body`, even when `body` fails.
func withProxyToWeb(
    backends names: [String],
    route: RouteConfig = RouteConfig(path: "/"),
    upstreamTimeout: Duration = .seconds(60),
    clientIdleTimeout: Duration = .seconds(75),
    _ body: (ReverseProxy, ProxyClient, [TestBackend]) async throws -> Void
) async throws {
    var started: [TestBackend] = []
    do {
        for name in names { started.append(try await TestBackend.start(name: name)) }
        let backends = started
        try await withProxy(upstreamTimeout: upstreamTimeout, clientIdleTimeout: clientIdleTimeout) { proxy, client in
            await proxy.route("web", at: route, to: backends[0].upstream)
            try await body(proxy, client, backends)
        }
    } catch {
        for backend in started { await backend.stop() }
        throw error
    }
    for backend in started { await backend.stop() }
}

extension ReverseProxy {
    /// Routes `service` at `route` and sends its traffic to `upstream`, as a first deploy does.
    func route(_ service: String, at route: RouteConfig = RouteConfig(path: "/"), to upstream: Upstream) async {
        await configure(service: service, route: route)
        await switchTraffic(service: service, to: upstream)
    }
}

/// An HTTP client aimed at the proxy under test.
struct ProxyClient: Sendable {
    let port: Int
    let http: HTTPClient

    init(port: Int) {
        self.port = port
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        self.http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    func get(_ path: String, host: String? = nil, headers: [(String, String)] = [], method: HTTPMethodName = .GET) async throws -> Response {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method.nio
        if let host { request.headers.replaceOrAdd(name: "host", value: host) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Response(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: body)
        )
    }
}

enum HTTPMethodName: Sendable {
    case GET, HEAD, POST

    var nio: NIOHTTP1.HTTPMethod {
        switch self {
        case .GET: .GET
        case .HEAD: .HEAD
        case .POST: .POST
        }
    }
}

/// A loopback port nothing listens on.
/// A loopback port on which nothing accepts: a socket bound to it and never listening, kept open
/// for the rest of the test run, so no other test's port-0 bind can take the port meanwhile (a
/// connection to it is refused).
func closedPort() async throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket: \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        close(fd)
        throw TestError("bind: \(errno)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The resident set size of this process, from /proc/self/status.
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kB * 1024
}

/// Samples the resident set while `body` runs and returns its peak growth over the start.
func peakResidentGrowth(during body: () async throws -> Void) async throws -> Int {
    let baseline = residentBytes()
    let sampler = Task {
        var peak = baseline
        while !Task.isCancelled {
            peak = max(peak, residentBytes())
            try? await Task.sleep(for: .milliseconds(20))
        }
        return peak
    }
    do {
        try await body()
    } catch {
        sampler.cancel()
        throw error
    }
    sampler.cancel()
    return max(0, await sampler.value - baseline)
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
