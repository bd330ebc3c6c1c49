import SlipwayModel

/// Sends a static site's `purge:` request (a CDN's cache purge) after its switch.
package protocol PurgeSender: Sendable {
    /// Sends one request and returns why it failed (nil: answered 2xx within `timeout`). Retries a
    /// network error, a timeout, 429 and 5xx inside the same `timeout`.
    func send(method: String, url: String, headers: [HeaderField], timeout: Duration) async -> String?
}
