import AsyncHTTPClient
import Foundation
import SlipwayModel
import Synchronization

/// A client of the Docker Engine API over the engine's unix socket (AsyncHTTPClient, `http+unix`).
/// Never the `docker` CLI: its output is for people, and it may be absent where the socket is not.
///
/// The first request asks `GET /version` and every later one is sent in the negotiated API version
/// (`/v1.41/...`), as the Docker CLI does, so the engine's answers keep the shape this client reads.
/// An engine that does not answer gives `SlipwayError(.dockerUnavailable)` naming the socket.
///
/// The engine owns an HTTP client unless one is passed in; call `shutdown()` when done with it.
package final class DockerEngine: Sendable {
    package let socketPath: String
    let client: HTTPClient
    private let ownsClient: Bool
    let negotiated = Mutex<APIVersion?>(nil)
    /// Ordinary requests (inspect, create, start, remove): an engine slower than this is stuck.
    static let requestTimeout: Duration = .seconds(60)

    /// An engine at `socketPath` with its own HTTP client.
    package convenience init(socketPath: String = DockerHost.defaultSocketPath) {
        var configuration = HTTPClient.Configuration()
        // No read timeout: a build step or the event stream can be silent for minutes; each request
        // carries its own deadline instead.
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5), read: nil)
        // Event and log streams hold a connection each for as long as they run.
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        // A missing socket fails at once instead of being retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        self.init(socketPath: socketPath,
                  client: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration),
                  ownsClient: true)
    }

    /// An engine at the socket `DOCKER_HOST` names (`unix:///path`), else `/var/run/docker.sock`.
    package convenience init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.init(socketPath: try DockerHost.socketPath(environment: environment))
    }

    /// An engine using a client the caller owns (and shuts down). It must have no read timeout
    /// shorter than the longest silent build step.
    package convenience init(socketPath: String, client: HTTPClient) {
        self.init(socketPath: socketPath, client: client, ownsClient: false)
    }

    private init(socketPath: String, client: HTTPClient, ownsClient: Bool) {
        self.socketPath = socketPath
        self.client = client
        self.ownsClient = ownsClient
    }

    /// Shuts down the engine's own client; a client passed in is left alone.
    package func shutdown() async {
        guard ownsClient else { return }
        try? await client.shutdown()
    }

    /// Asks the engine its version and settles the API version of every later request. The daemon
    /// calls it at start, so an absent engine is reported before any deployment needs it.
    ///
    /// - Throws: `SlipwayError(.dockerUnavailable)` when no engine answers or its API is too old.
    package func version() async throws -> DockerVersion {
        var request = EngineRequest(.get, "/version")
        request.versioned = false
        let answer = try await json(request, as: VersionResponse.self)
        guard let engineAPI = APIVersion(answer.apiVersion), engineAPI >= APIVersion.oldest else {
            throw SlipwayError(.dockerUnavailable,
                               "the Docker engine at \(socketPath) (\(answer.version)) speaks API \(answer.apiVersion); "
                               + "Slipway needs \(APIVersion.oldest) (Docker 19.03) or newer")
        }
        let use = min(engineAPI, APIVersion.newest)
        negotiated.withLock { $0 = use }
        return DockerVersion(engine: answer.version, engineAPI: answer.apiVersion, negotiatedAPI: use.description)
    }

    /// True once the engine has answered: a later transport failure is a lost engine, not an absent one.
    var negotiatedOnce: Bool { negotiated.withLock { $0 != nil } }

    /// The negotiated API version, asking the engine the first time.
    func apiVersion() async throws -> APIVersion {
        if let known = negotiated.withLock({ $0 }) { return known }
        _ = try await version()
        return negotiated.withLock { $0 } ?? APIVersion.oldest
    }
}
