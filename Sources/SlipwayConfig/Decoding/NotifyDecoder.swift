import SlipwayModel

/// `notify:`: a list of channels, each one mapping with one channel key and an optional `on:`.
///
/// ```yaml
/// notify:
///   - slack: { webhook: ${SLACK_WEBHOOK} }
///   - webhook: { url: https://ops.example/hooks, secret: ${HOOK_SECRET} }
///     on: [failed, rolled_back, critical]
/// ```
struct NotifyDecoder {
    let reader: ConfigReader
    let environment: [String: String]

    static let channelKeys = ["slack", "telegram", "webhook"]
    static let entryKeys = ConfigSchema.notifyChannel.keyNames

    struct Decoded {
        var channels: [NotifyChannel] = []
        /// Values from `${VAR}` references and the channels' credentials.
        var secrets: [String] = []
    }

    func decode(_ node: ConfigNode) -> Decoded {
        var decoded = Decoded()
        let expected = "a list of channels like - slack: { webhook: ${SLACK_WEBHOOK} }"
        guard let items = reader.list(node, expected: expected) else { return decoded }
        for item in items {
            guard let entry = self.entry(item) else { continue }
            decoded.channels.append(entry.channel)
            decoded.secrets += entry.secrets + entry.channel.credentials
        }
        return decoded
    }

    private func entry(_ node: ConfigNode) -> (channel: NotifyChannel, secrets: [String])? {
        guard let fields = reader.mapping(node, keys: Self.entryKeys,
                                          expected: "a mapping with one of slack:, telegram: or webhook:") else {
            return nil
        }
        if let email = fields["email"] {
            reader.log.add("e-mail notifications are not supported yet; use slack, telegram or webhook", at: email)
        }
        let events = fields["on"].flatMap(events)
        let written = fields.entries.filter { Self.channelKeys.contains($0.key) }
        guard let first = written.first else {
            if fields["email"] == nil {
                reader.log.add("expected one of slack:, telegram: or webhook:", at: node)
            }
            return nil
        }
        for extra in written.dropFirst() {
            reader.log.add("expected one channel per entry, got \(first.key) and \(extra.key); "
                           + "write each as its own \"- \(extra.key):\" item", at: extra.value)
        }
        let destination: (NotifyChannel.Destination, [String])?
        switch first.key {
        case "slack": destination = slack(first.value)
        case "telegram": destination = telegram(first.value)
        default: destination = webhook(first.value)
        }
        guard let (value, secrets) = destination, written.count == 1 else { return nil }
        var channel = NotifyChannel(value)
        if let events { channel.events = events } else if fields["on"] != nil { return nil }
        return (channel, secrets)
    }

    /// `on: [failed, rolled_back]`: at least one event, each one Slipway sends.
    private func events(_ node: ConfigNode) -> Set<DeploymentNotification.Event>? {
        let names = DeploymentNotification.Event.allCases.map(\.rawValue)
        guard let items = reader.list(node, expected: "a list of events like [failed, rolled_back]") else { return nil }
        guard !items.isEmpty else {
            reader.log.add("expected at least one of \(names.joined(separator: ", ")) (leave on: out for all events)",
                           at: node)
            return nil
        }
        var events = Set<DeploymentNotification.Event>()
        var valid = true
        for item in items {
            guard let text = reader.string(item, expected: "an event name") else {
                valid = false
                continue
            }
            guard let event = DeploymentNotification.Event(rawValue: text) else {
                let hint = KeySuggestion.closest(to: text, among: names).map { "; did you mean \(ConfigNode.quoted($0))?" }
                reader.log.add("unknown event \(item.found)" + (hint ?? "; expected one of \(names.joined(separator: ", "))"),
                               at: item)
                valid = false
                continue
            }
            events.insert(event)
        }
        return valid ? events : nil
    }
}
