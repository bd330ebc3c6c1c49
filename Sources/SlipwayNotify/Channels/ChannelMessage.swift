import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel

/// What one channel is sent about one notification: built once, turned into a request for each
/// attempt (a signed webhook is signed again with the attempt's own timestamp).
struct ChannelMessage: Sendable {
    let kind: String
    let url: String
    let body: [UInt8]
    let headers: [(name: String, value: String)]
    /// Set for a signed webhook.
    let signingSecret: String?
    /// POST with a JSON body for every channel; a static site's purge names its own, bodiless.
    var method: HTTPMethod = .POST

    func request(at date: Date) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if !body.isEmpty { request.headers.add(name: "Content-Type", value: "application/json") }
        request.headers.add(name: "User-Agent", value: "slipway-notify")
        for header in headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if let signingSecret {
            let signature = WebhookSignature(secret: signingSecret)
            let timestamp = WebhookSignature.timestamp(date)
            request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
            request.headers.add(name: WebhookSignature.signatureHeader,
                                value: signature.headerValue(timestamp: timestamp, body: body))
        }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }
}

extension ChannelMessage {
    /// The message for `channel`; `notification` is already redacted.
    static func make(for channel: NotifyChannel, notification: DeploymentNotification, redactor: Redactor,
                     deliveryID: String, now: Date) -> ChannelMessage {
        switch channel.destination {
        case .slack(let slack):
            let text = redactor.redact(NotificationText(notification, style: .slack, now: now).rendered)
            return ChannelMessage(kind: channel.kind, url: slack.webhook, body: JSONBody.encode(SlackPayload(text: text)),
                                  headers: [], signingSecret: nil)
        case .telegram(let telegram):
            let text = redactor.redact(NotificationText(notification, style: .plain, now: now).rendered)
            let payload = TelegramPayload(chatID: telegram.chat, text: text)
            return ChannelMessage(kind: channel.kind, url: "\(telegram.baseURL)/bot\(telegram.token)/sendMessage",
                                  body: JSONBody.encode(payload), headers: [], signingSecret: nil)
        case .webhook(let webhook):
            return ChannelMessage(kind: channel.kind, url: webhook.url,
                                  body: JSONBody.encode(notification),
                                  headers: [("X-Slipway-Event", notification.event.rawValue),
                                            ("X-Slipway-Delivery", deliveryID)],
                                  signingSecret: webhook.secret)
        }
    }
}

/// Slack's incoming webhook payload: `text` is mrkdwn and is what the notification shows.
struct SlackPayload: Encodable {
    let text: String
}

/// The Bot API's `sendMessage`, plain text (no `parse_mode`, so nothing in it needs escaping).
struct TelegramPayload: Encodable {
    let chatID: String
    let text: String

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case text
    }
}
