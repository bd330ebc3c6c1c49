import SlipwayModel

/// The settings of each kind of channel. Credentials and endpoints may be `${VAR}` references;
/// messages about them never show their values.
extension NotifyDecoder {
    static let slackKeys = ConfigSchema.slack.keyNames
    static let telegramKeys = ConfigSchema.telegram.keyNames
    static let webhookKeys = ConfigSchema.webhook.keyNames
    /// A signing key is only as strong as it is long; `openssl rand -hex 32` gives 64 characters.
    static let minimumSecretLength = 16

    func slack(_ node: ConfigNode) -> (NotifyChannel.Destination, [String])? {
        guard let fields = reader.mapping(node, keys: Self.slackKeys, expected: "a mapping with webhook:") else {
            return nil
        }
        guard let webhook = reader.required("webhook", in: fields).flatMap(endpoint) else { return nil }
        return (.slack(SlackChannel(webhook: webhook.text)), webhook.secrets)
    }

    func telegram(_ node: ConfigNode) -> (NotifyChannel.Destination, [String])? {
        guard let fields = reader.mapping(node, keys: Self.telegramKeys, expected: "a mapping with token: and chat:") else {
            return nil
        }
        let token = reader.required("token", in: fields).flatMap(token)
        let chat = reader.required("chat", in: fields)
            .flatMap { reader.nonEmptyString($0, expected: "a chat id like \"46808774\" or a channel like \"@ops\"") }
        var baseURL: String? = TelegramChannel.defaultBaseURL
        if let node = fields["base_url"] {
            baseURL = reader.string(node, expected: NotifyURLRules.expected).flatMap { text in
                guard NotifyURLRules.isValid(text) else {
                    reader.log.add("expected \(NotifyURLRules.expected) like https://api.telegram.org, got \(node.found)",
                                   at: node)
                    return nil
                }
                return String(text.reversed().drop { $0 == "/" }.reversed())
            }
        }
        guard let token, let chat, let baseURL else { return nil }
        return (.telegram(TelegramChannel(token: token.text, chat: chat, baseURL: baseURL)), token.secrets)
    }

    func webhook(_ node: ConfigNode) -> (NotifyChannel.Destination, [String])? {
        guard let fields = reader.mapping(node, keys: Self.webhookKeys, expected: "a mapping with url: and secret:") else {
            return nil
        }
        let url = reader.required("url", in: fields).flatMap(endpoint)
        let secret = reader.required("secret", in: fields).flatMap(signingSecret)
        guard let url, let secret else { return nil }
        return (.webhook(WebhookChannel(url: url.text, secret: secret.text)), url.secrets + secret.secrets)
    }

    /// A URL whose value is never shown: a Slack webhook's path is its credential.
    private func endpoint(_ node: ConfigNode) -> SecretExpansion.Value? {
        guard let value = SecretExpansion(reader: reader, environment: environment).expand(node, expected: NotifyURLRules.expected) else {
            return nil
        }
        guard NotifyURLRules.isValid(value.text) else {
            reader.log.add("expected \(NotifyURLRules.expected)\(value.origin)", at: node)
            return nil
        }
        return value
    }

    /// A bot token goes into the request path (`/bot<token>/sendMessage`), so nothing that would
    /// change the path's meaning.
    private func token(_ node: ConfigNode) -> SecretExpansion.Value? {
        let expected = "a bot token like 123456:ABC-DEF1234ghIkl"
        guard let value = SecretExpansion(reader: reader, environment: environment).expand(node, expected: expected) else {
            return nil
        }
        let forbidden: Set<Character> = ["/", "?", "#", "%"]
        guard !value.text.isEmpty, !value.text.contains(where: { $0.isWhitespace || forbidden.contains($0) }) else {
            reader.log.add("expected \(expected) (no spaces, /, ?, # or %)\(value.origin)", at: node)
            return nil
        }
        return value
    }

    private func signingSecret(_ node: ConfigNode) -> SecretExpansion.Value? {
        let expected = "a signing secret of at least \(Self.minimumSecretLength) characters (openssl rand -hex 32)"
        guard let value = SecretExpansion(reader: reader, environment: environment).expand(node, expected: expected) else {
            return nil
        }
        guard value.text.count >= Self.minimumSecretLength else {
            reader.log.add("expected \(expected)\(value.origin), got \(value.text.count) characters", at: node)
            return nil
        }
        return value
    }
}
