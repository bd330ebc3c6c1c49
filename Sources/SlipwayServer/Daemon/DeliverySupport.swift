import SlipwayModel

/// The delivery settings this daemon carries out: replicas, each release switched at once,
/// recreated, or rolled out as a canary or blue-green (with a sticky cookie or not).
///
/// `slipway.yml` accepts the rolling strategy, and `slipway check` validates it, but the
/// controller does not run it yet. Until it does, `serve` refuses a file
/// that asks for them rather than deploying such a service as a single switched instance, which is
/// not what its file says.
enum DeliverySupport {
    /// A `configInvalid` error naming every service (in every environment) whose settings are not
    /// carried out yet, and which; nil when there is none.
    static func refusal(for config: ProjectConfig) -> SlipwayError? {
        let services = config.services.compactMap { service -> String? in
            let settings = unsupported(service.delivery)
            return settings.isEmpty ? nil : "\(service.key) (\(settings.joined(separator: ", ")))"
        }
        guard !services.isEmpty else { return nil }
        return SlipwayError(.configInvalid, "the rolling strategy is checked but not "
                            + "carried out yet: \(services.joined(separator: "; ")); until it is, "
                            + "a service uses strategy: switch, recreate, canary or blue_green",
                            context: ErrorContext(file: config.file))
    }

    private static func unsupported(_ delivery: DeliveryConfig) -> [String] {
        var settings: [String] = []
        if delivery.strategy == .rolling { settings.append("strategy: \(delivery.strategy.rawValue)") }
        return settings
    }
}
