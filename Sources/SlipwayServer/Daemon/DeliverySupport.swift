import SlipwayModel

/// The delivery settings this daemon carries out: one instance per release, switched at once,
/// recreated, or rolled out as a canary or blue-green (with a sticky cookie or not).
///
/// `slipway.yml` accepts replicas and the rolling strategy, and `slipway check`
/// validates them, but the controller does not run them yet. Until it does, `serve` refuses a file
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
        return SlipwayError(.configInvalid, "replicas and the rolling strategy are checked but not "
                            + "carried out yet: \(services.joined(separator: "; ")); until they are, "
                            + "a service runs one instance with strategy: switch, recreate, canary or blue_green",
                            context: ErrorContext(file: config.file))
    }

    private static func unsupported(_ delivery: DeliveryConfig) -> [String] {
        var settings: [String] = []
        if delivery.strategy == .rolling { settings.append("strategy: \(delivery.strategy.rawValue)") }
        if delivery.replicas > 1 { settings.append("replicas: \(delivery.replicas)") }
        return settings
    }
}
