import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel

/// The daemon's API on `.slipway/slipway.sock`, spoken directly with the bytes a test chooses: what
/// a client other than the CLI (a script, a CI job) may send, malformed bodies included.
struct DaemonSocket {
    struct Answer {
        var status: Int
        var body: String

        /// The body as the API's error object, or nil when it is not one.
        var error: APIError? {
            try? APICoding.decoder().decode(APIError.self, from: Data(body.utf8))
        }

        func decoded<T: Decodable>(_ type: T.Type) throws -> T {
            try APICoding.decoder().decode(type, from: Data(body.utf8))
        }

        /// A deployment stream's events, one per line.
        func events() throws -> [DeploymentEvent] {
            try body.split(separator: "\n").map { try APICoding.decoder().decode(DeploymentEvent.self, from: Data($0.utf8)) }
        }
    }

    let path: String

    init(_ repository: TestRepository) {
        path = repository.root + "/.slipway/" + API.socketName
    }

    func get(_ uri: String) async throws -> Answer {
        try await send(.GET, uri, body: nil)
    }

    /// `body` exactly as given, as `application/json`.
    func post(_ uri: String, _ body: String) async throws -> Answer {
        try await send(.POST, uri, body: body)
    }

    private func send(_ method: HTTPMethod, _ uri: String, body: String?) async throws -> Answer {
        guard let url = URL(httpURLWithSocketPath: path, uri: uri) else { throw TestFailure("cannot address \(path)") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let text = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: text))
    }
}
