import AsyncHTTPClient
import Foundation
import NIOCore

/// One `GET http://127.0.0.1:<port><path>`: the status and body, or nil when nothing answered.
func httpGet(port: Int, path: String, timeout: Duration = .seconds(2)) async -> (status: Int, body: String)? {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    var answer: (status: Int, body: String)?
    do {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Connection", value: "close")
        let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
        let body = try await response.body.collect(upTo: 1 << 20)
        answer = (Int(response.status.code), String(buffer: body))
    } catch {
        answer = nil
    }
    try? await client.shutdown()
    return answer
}
