import AsyncHTTPClient
import Logging
import NIOHTTP1
import SlipwayCore
import SlipwayModel

/// Sends a static site's `purge:` requests with the notifications' delivery: network errors,
/// timeouts, 408, 429 and 5xx are tried again with backoff, all within the step's timeout; another
/// answer fails the step at once. What it returns never holds the URL (it may carry a token): the
/// record already names the step, redacted.
package struct HTTPPurgeSender: PurgeSender {
    private let httpClient: HTTPClient
    private let policy: DeliveryPolicy
    private let logger: Logger

    package init(httpClient: HTTPClient = .shared, policy: DeliveryPolicy = DeliveryPolicy(attemptTimeout: .seconds(30)),
                 logger: Logger = Logger(label: "slipway.publish")) {
        self.httpClient = httpClient
        self.policy = policy
        self.logger = logger
    }

    package func send(method: String, url: String, headers: [HeaderField], timeout: Duration) async -> String? {
        let message = ChannelMessage(kind: "purge", url: url, body: [], headers: headers.map { ($0.name, $0.value) },
                                     signingSecret: nil, method: HTTPMethod(rawValue: method))
        let delivery = ChannelDelivery(attempt: HTTPAttempt(client: httpClient, logger: logger), policy: policy)
        let result = await delivery.deliver(message, by: .now + timeout, budget: timeout)
        guard !result.delivered else { return nil }
        let attempts = result.attempts == 1 ? "" : " after \(result.attempts) attempts"
        return (result.error ?? "not answered") + attempts
    }
}
