import SlipwayConfig
import SlipwayModel
import Testing

/// `notify:` entries: channels, `on:` filters, `${VAR}` credentials, and never a credential in a message.
@Suite struct NotifyConfigTests {
    static let environment = [
        "SLACK_WEBHOOK": "https://hooks.slack.com/services/T000/B000/slacksecretpath",
        "TELEGRAM_TOKEN": "123456:telegram-secret-token",
        "HOOK_SECRET": "whsec-0123456789abcdef",
    ]

    @Test func everyChannelDecodes() throws {
        let yaml = minimalServices + """
        notify:
          - slack: { webhook: "${SLACK_WEBHOOK}" }
          - telegram: { token: "${TELEGRAM_TOKEN}", chat: "46808774", base_url: "http://127.0.0.1:9999/" }
          - webhook:
              url: https://ops.example/hooks
              secret: ${HOOK_SECRET}
            on: [failed, rolled_back, critical]
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml", environment: Self.environment)
        #expect(config.notify == [
            NotifyChannel(.slack(SlackChannel(webhook: "https://hooks.slack.com/services/T000/B000/slacksecretpath"))),
            NotifyChannel(.telegram(TelegramChannel(token: "123456:telegram-secret-token", chat: "46808774",
                                                    baseURL: "http://127.0.0.1:9999"))),
            NotifyChannel(.webhook(WebhookChannel(url: "https://ops.example/hooks", secret: "whsec-0123456789abcdef")),
                          events: [.failed, .rolledBack, .critical]),
        ])
        #expect(config.notify.map(\.kind) == ["slack", "telegram", "webhook"])
        #expect(config.notify[0].subscribes(to: .started))
        #expect(!config.notify[2].subscribes(to: .succeeded))
        for value in Self.environment.values {
            #expect(config.secrets.contains(value))
        }
    }

    @Test func telegramDefaultsToTheBotAPIAndChatMayBeANumber() throws {
        let yaml = minimalServices + """
        notify:
          - telegram: { token: "123456:literal-token", chat: -1001234567890 }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.notify == [NotifyChannel(.telegram(TelegramChannel(token: "123456:literal-token",
                                                                          chat: "-1001234567890",
                                                                          baseURL: "https://api.telegram.org")))])
        // A credential written in the file is still a credential.
        #expect(config.secrets == ["123456:literal-token"])
    }

    @Test func noNotifyMeansNoChannels() throws {
        let config = try ConfigLoader.parse(yaml: minimalServices + "notify:\n", file: "slipway.yml")
        #expect(config.notify.isEmpty)
        #expect(config.secrets.isEmpty)
    }

    @Test func entryShapesAreLocated() {
        let yaml = minimalServices + """
        notify:
          - slack: { webhook: "https://hooks.slack.com/services/a/b/c" }
            telegram: { token: "1:x", chat: "1" }
          - on: [failed]
          - email: { to: ops@example.com }
          - slack
          - pager: {}
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:5: notify[0].telegram: expected one channel per entry, got slack and telegram; write each as its own "- telegram:" item"#,
            #"slipway.yml:7:5: notify[1]: expected one of slack:, telegram: or webhook:"#,
            #"slipway.yml:8:5: notify[2].email: e-mail notifications are not supported yet; use slack, telegram or webhook"#,
            #"slipway.yml:9:5: notify[3]: expected a mapping with one of slack:, telegram: or webhook:, got "slack""#,
            #"slipway.yml:10:5: notify[4].pager: unknown key "pager"; expected one of: slack, telegram, webhook, email, on"#,
            #"slipway.yml:10:5: notify[4]: expected one of slack:, telegram: or webhook:"#,
        ])
    }

    @Test func notifyMustBeAList() {
        #expect(issueLines(minimalServices + "notify:\n  slack: { webhook: x }\n") == [
            #"slipway.yml:4:1: notify: expected a list of channels like - slack: { webhook: ${SLACK_WEBHOOK} }, got a mapping"#,
        ])
    }

    @Test func eventsAreChecked() {
        let yaml = minimalServices + """
        notify:
          - slack: { webhook: "https://hooks.slack.com/services/a/b/c" }
            on: [failed, rolledback, deployed]
          - slack: { webhook: "https://hooks.slack.com/services/a/b/c" }
            on: []
          - slack: { webhook: "https://hooks.slack.com/services/a/b/c" }
            on: failed
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:18: notify[0].on[1]: unknown event "rolledback"; did you mean "rolled_back"?"#,
            #"slipway.yml:6:30: notify[0].on[2]: unknown event "deployed"; expected one of started, succeeded, failed, rolled_back, critical"#,
            #"slipway.yml:8:5: notify[1].on: expected at least one of started, succeeded, failed, rolled_back, critical (leave on: out for all events)"#,
            #"slipway.yml:10:5: notify[2].on: expected a list of events like [failed, rolled_back], got "failed""#,
        ])
    }

    @Test func channelSettingsAreCheckedWithoutShowingCredentials() {
        let yaml = minimalServices + """
        notify:
          - slack: { webhook: "hooks.slack.com/services/secret-path-one" }
          - slack: { webhook: "${NOT_A_URL}" }
          - telegram: { token: "123:abc/def?x", chat: "" }
          - telegram: { chat: "1", base_url: "ftp://example" }
          - webhook: { url: "https://ops.example/hooks", secret: "short-secret" }
          - webhook: { url: "${MISSING_URL}", secret: "${MISSING_SECRET}", signing: sha1 }
        """
        let lines = issueLines(yaml, environment: ["NOT_A_URL": "not-a-url-secret-value"])
        #expect(lines == [
            #"slipway.yml:5:14: notify[0].slack.webhook: expected an http:// or https:// url"#,
            #"slipway.yml:6:14: notify[1].slack.webhook: expected an http:// or https:// url in the value of ${NOT_A_URL}"#,
            #"slipway.yml:7:17: notify[2].telegram.token: expected a bot token like 123456:ABC-DEF1234ghIkl (no spaces, /, ?, # or %)"#,
            #"slipway.yml:7:41: notify[2].telegram.chat: expected a chat id like "46808774" or a channel like "@ops", got """#,
            #"slipway.yml:8:5: notify[3].telegram: missing required key "token""#,
            #"slipway.yml:8:28: notify[3].telegram.base_url: expected an http:// or https:// url like https://api.telegram.org, got "ftp://example""#,
            #"slipway.yml:9:50: notify[4].webhook.secret: expected a signing secret of at least 16 characters (openssl rand -hex 32), got 12 characters"#,
            #"slipway.yml:10:16: notify[5].webhook.url: environment variable MISSING_URL is not set (referenced as ${MISSING_URL})"#,
            #"slipway.yml:10:39: notify[5].webhook.secret: environment variable MISSING_SECRET is not set (referenced as ${MISSING_SECRET})"#,
            #"slipway.yml:10:68: notify[5].webhook.signing: unknown key "signing"; expected one of: url, secret"#,
        ])
        for secret in ["secret-path-one", "not-a-url-secret-value", "abc/def", "short-secret"] {
            #expect(!lines.contains { $0.contains(secret) })
        }
    }

    /// `{ webhook: ${SLACK_WEBHOOK} }` is not YAML; the error says how to write it.
    @Test func unquotedReferenceInBracesSaysToQuoteIt() {
        #expect(issueLines(minimalServices + "notify:\n  - slack: { webhook: ${SLACK_WEBHOOK} }\n") == [
            "slipway.yml:5:24: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 5, "
                + #"column 12); a ${VAR} inside { } or [ ] must be quoted, as in "${SLACK_WEBHOOK}""#,
        ])
    }
}
