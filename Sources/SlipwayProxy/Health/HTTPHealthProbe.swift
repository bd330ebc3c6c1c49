import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SlipwayCore
import SlipwayModel

/// Probes an upstream's health endpoint over HTTP: `GET http://host:port/path` within the check's
/// timeout; healthy when the status and the expected top-level JSON fields match.
///
/// Each probe opens a fresh connection (`Connection: close`): a probe then also proves the
/// service accepts new connections, and it never trips over a keep-alive connection the service
/// closed between probes. Redirects are not followed: a 301 is not a 200.
package struct HTTPHealthProbe: HealthProbe {
    private let client: HTTPClient
    private let ownsClient: Bool
    /// Bodies longer than this are not parsed for JSON fields.
    static let maxBodyBytes = 1 << 20

    /// A probe with its own HTTP client on `eventLoopGroup`; call `shutdown()` when done.
    package init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // A refused connection fails the probe at once instead of being retried until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        self.client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        self.ownsClient = true
    }

    /// A probe using a client the caller owns (and shuts down).
    package init(client: HTTPClient) {
        self.client = client
        self.ownsClient = false
    }

    /// Shuts down the probe's own client; a client passed in is left alone.
    package func shutdown() async {
        guard ownsClient else { return }
        try? await client.shutdown()
    }

    package func probe(_ upstream: Upstream, check: HealthCheckConfig) async -> ProbeResult {
        // A static site has no address: its health is its files being whole (a few stats and the
        // entry page read, every interval), then the path asked for as the proxy would answer it.
        if let site = upstream.site {
            if let problem = SiteAssetCheck.problem(in: site, routePrefix: nil) { return ProbeResult(healthy: false, reason: problem) }
            return SiteRequest.probe(site, path: check.path, expect: check.expect)
        }
        let host = upstream.host.contains(":") ? "[\(upstream.host)]" : upstream.host
        let path = check.path.hasPrefix("/") ? check.path : "/" + check.path
        var request = HTTPClientRequest(url: "http://\(host):\(upstream.port)\(path)")
        request.headers.add(name: "user-agent", value: "slipway-health-probe")
        request.headers.add(name: "connection", value: "close")
        let timeout = TimeAmount(check.timeout)
        let deadline = NIODeadline.now() + timeout
        do {
            let response = try await client.execute(request, deadline: deadline)
            var body: [UInt8] = []
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView.prefix(Self.maxBodyBytes - body.count))
                if body.count >= Self.maxBodyBytes { break }
            }
            return HealthVerdict.judge(status: Int(response.status.code), body: body, expect: check.expect)
        } catch {
            return ProbeResult(healthy: false, reason: Self.reason(for: error, timeout: check.timeout))
        }
    }

    static func reason(for error: Error, timeout: Duration) -> String {
        if isTimeout(error) { return "timed out after \(DurationText.format(timeout))" }
        if ConnectionFailure.isConnectionRefused(error) { return "connection refused" }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed {
            return "connection closed before a response"
        }
        return ConnectionFailure.describe(error)
    }

    private static func isTimeout(_ error: Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .writeTimeout
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }
}
