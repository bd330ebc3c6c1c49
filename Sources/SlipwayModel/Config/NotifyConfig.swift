import Foundation

/// One entry of `notify:`: where to tell people about deployments, and about which events.
package struct NotifyChannel: Sendable, Equatable {
    package enum Destination: Sendable, Equatable {
        case slack(SlackChannel)
        case telegram(TelegramChannel)
        case webhook(WebhookChannel)
    }

    package var destination: Destination
    /// The events this channel is told about; all of them unless the entry says `on:`.
    package var events: Set<DeploymentNotification.Event>

    package init(_ destination: Destination,
                events: Set<DeploymentNotification.Event> = Set(DeploymentNotification.Event.allCases)) {
        self.destination = destination
        self.events = events
    }

    /// `slack`, `telegram` or `webhook`: the channel's name in delivery records.
    package var kind: String {
        switch destination {
        case .slack: "slack"
        case .telegram: "telegram"
        case .webhook: "webhook"
        }
    }

    package func subscribes(to event: DeploymentNotification.Event) -> Bool {
        events.contains(event)
    }

    /// What must never be shown, whether written in the file or expanded from `${VAR}`: a Slack
    /// webhook URL and a bot token each let anyone post as us, and a signing secret lets anyone
    /// forge our webhooks. A Slack webhook's path is listed on its own too, since it is the
    /// credential and is what a server or a library quotes when it names the request.
    package var credentials: [String] {
        switch destination {
        case .slack(let slack): [slack.webhook] + (URLComponents(string: slack.webhook).map { [$0.path] } ?? [])
        case .telegram(let telegram): [telegram.token]
        case .webhook(let webhook): [webhook.secret]
        }
    }
}

/// A Slack incoming webhook (`https://hooks.slack.com/services/…`).
package struct SlackChannel: Sendable, Equatable {
    package var webhook: String

    package init(webhook: String) {
        self.webhook = webhook
    }
}

/// A Telegram bot posting with the Bot API's `sendMessage` to one chat.
package struct TelegramChannel: Sendable, Equatable {
    package static let defaultBaseURL = "https://api.telegram.org"

    package var token: String
    /// A chat id (`46808774`, `-1001234567890`) or a public channel's `@name`.
    package var chat: String
    /// Where the Bot API answers, without a trailing `/`; a local server in tests.
    package var baseURL: String

    package init(token: String, chat: String, baseURL: String = TelegramChannel.defaultBaseURL) {
        self.token = token
        self.chat = chat
        self.baseURL = baseURL
    }
}

/// Any HTTP endpoint, sent the notification as JSON and an HMAC-SHA256 signature of it
/// (see docs/NOTIFICATIONS.md for the scheme).
package struct WebhookChannel: Sendable, Equatable {
    package var url: String
    package var secret: String

    package init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }
}
