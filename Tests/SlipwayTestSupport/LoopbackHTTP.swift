import AsyncHTTPClient
import NIOCore

/// GET requests to servers the tests start on loopback: instances, containers, a daemon's proxy.
public enum LoopbackHTTP {
    public struct Response: Sendable, Equatable {
        /// As the status line says it: `HTTP/1.0`, `HTTP/1.1`.
        public var version: String
        public var status: Int
        public var body: String
    }

    /// One GET of `url` on the shared client's pooled connections; throws what the client threw
    /// (refused, timed out).
    public static func get(_ url: String, headers: [String: String] = [:], timeout: Duration = .seconds(10)) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await get(request, client: .shared, timeout: timeout)
    }

    /// One `GET http://127.0.0.1:<port><path>` on a connection of its own, tried once: nil when nothing
    /// answered within `timeout`. For a server that may not be up yet, or must not answer.
    public static func probe(port: Int, path: String = "/", timeout: Duration = .seconds(2)) async -> Response? {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Connection", value: "close")
        let response = try? await get(request, client: client, timeout: timeout)
        try? await client.shutdown()
        return response
    }

    private static func get(_ request: HTTPClientRequest, client: HTTPClient, timeout: Duration) async throws -> Response {
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Response(version: "\(response.version)", status: Int(response.status.code), body: String(buffer: body))
    }
}
