import SlipwayModel

/// `notify:` (`NotifyDecoder`): each entry one channel and the events it is told.
extension ConfigSchema {
    package static let notifyChannel = MappingSchema(
        id: "notifyChannel", path: "notify[]",
        summary: "One channel: exactly one of `slack:`, `telegram:` and `webhook:`.",
        keys: [
            KeySchema("slack", .mapping(slack), default: .described("none"), "A Slack incoming webhook.",
                      example: "{ webhook: \"${SLACK_WEBHOOK}\" }"),
            KeySchema("telegram", .mapping(telegram), default: .described("none"), "A Telegram bot.",
                      example: "{ token: \"${TELEGRAM_TOKEN}\", chat: \"@ops\" }"),
            KeySchema("webhook", .mapping(webhook), default: .described("none"), "A JSON POST signed with HMAC-SHA256.",
                      example: "{ url: https://ops.example/hooks, secret: \"${HOOK_SECRET}\" }"),
            KeySchema("email", .refused("e-mail notifications are not supported yet"), default: .described("none"),
                      "Not supported yet: use slack, telegram or webhook.", example: "(none)"),
            KeySchema("on", .list(.choice(DeploymentNotification.Event.allCases.map(\.rawValue)), minItems: 1, unique: false),
                      default: .described("every event"), "The events sent to this channel.",
                      example: "[failed, rolled_back, critical]"),
        ],
        rules: [.exactlyOne(["slack", "telegram", "webhook"])])

    package static let slack = MappingSchema(
        id: "slack", path: "notify[].slack",
        summary: "A Slack incoming webhook; its URL is a credential and never shown.",
        keys: [
            KeySchema("webhook", nonEmptyText, required: true, "The webhook's URL, usually `${VAR}`.",
                      example: "\"${SLACK_WEBHOOK}\""),
        ])

    package static let telegram = MappingSchema(
        id: "telegram", path: "notify[].telegram",
        summary: "A Telegram bot and the chat it writes to.",
        keys: [
            KeySchema("token", nonEmptyText, required: true, "The bot's token, usually `${VAR}`.", example: "\"${TELEGRAM_TOKEN}\""),
            KeySchema("chat", nonEmptyText, required: true, "A chat id or a channel.", example: "\"@ops\""),
            KeySchema("base_url", httpURL, default: .value("https://api.telegram.org"), "The Bot API's address.",
                      example: "https://telegram.internal.example"),
        ])

    package static let webhook = MappingSchema(
        id: "webhook", path: "notify[].webhook",
        summary: "A JSON POST with an `X-Slipway-Signature` HMAC-SHA256 of the body.",
        keys: [
            KeySchema("url", nonEmptyText, required: true, "Where to POST, http:// or https://; may be `${VAR}`.",
                      example: "https://ops.example/hooks"),
            KeySchema("secret", nonEmptyText, required: true, "The signing key, at least 16 characters, usually `${VAR}`.",
                      example: "\"${HOOK_SECRET}\""),
        ])
}
