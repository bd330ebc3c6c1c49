import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport

/// The daemon's TCP API (`api:`), spoken with the bytes and the `Authorization` a test chooses.
struct TCPAPI {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        var error: APIError? { try? APICoding.decoder().decode(APIError.self, from: Data(body.utf8)) }
    }

    /// `http://127.0.0.1:PORT`.
    let base: String

    func send(_ method: HTTPMethod, _ path: String, token: String?, body: String? = nil,
              authorization: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let text = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: text))
    }
}

extension TestRepository {
    /// The usual configuration with the TCP API on a free loopback port (and `tls` when given).
    static func configWithAPI(tls: (cert: String, key: String)? = nil) -> String {
        config() + "\napi:\n  listen: 127.0.0.1:0\n"
            + (tls.map { "  tls: { cert: '\($0.cert)', key: '\($0.key)' }\n" } ?? "")
    }
}

extension DaemonProcess {
    /// `http(s)://127.0.0.1:PORT` of the TCP API, from the line the daemon prints once it listens.
    func tcpAPI() async throws -> String {
        var found: String?
        try await waitUntil("the daemon printed its TCP API's address") {
            let text = output.contents
            guard let range = text.range(of: #" and (https?://[^\s]+)\n"#, options: .regularExpression) else { return false }
            found = String(text[range].dropFirst(" and ".count).dropLast())
            return true
        }
        return try found ?? { throw TestFailure("no TCP API address") }()
    }
}

/// A CLI over the TCP API instead of the socket: `SLIPWAY_API` (and `SLIPWAY_TOKEN`, `SLIPWAY_CA_FILE`).
func remoteCLI(_ repository: TestRepository, api: String, token: String?, caFile: String? = nil) -> CLI {
    var environment = ["SLIPWAY_API": api]
    if let token { environment["SLIPWAY_TOKEN"] = token }
    if let caFile { environment["SLIPWAY_CA_FILE"] = caFile }
    return CLI(repository: repository, environment: environment)
}

/// Every regular file under `directory`, read whole (a SQLite database, its WAL, logs, releases).
func filesHolding(_ needle: String, under directory: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
    var holding: [String] = []
    let bytes = Data(needle.utf8)
    for case let relative as String in walker {
        let path = directory + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { continue }
        if data.range(of: bytes) != nil { holding.append(relative) }
    }
    return holding
}
