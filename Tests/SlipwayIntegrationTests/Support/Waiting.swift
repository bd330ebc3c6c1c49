import AsyncHTTPClient
import Foundation
import NIOCore

/// Waits for a condition the system reaches by itself (a rollback, a restart), up to a deadline.
func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// One GET through the proxy: status and body.
func get(_ url: String, timeout: TimeAmount = .seconds(10)) async throws -> (Int, String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: timeout)
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body))
}
