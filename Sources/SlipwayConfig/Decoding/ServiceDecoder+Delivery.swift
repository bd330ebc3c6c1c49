import SlipwayModel

/// How a service's releases reach its users: `replicas`, `balance`, `sticky`, `strategy` and each
/// strategy's block (`recreate`, `rolling`, `blue_green`, `canary`). Every block is decoded and
/// checked whichever strategy is chosen: an environment may choose another.
extension ServiceDecoder {
        static let stickyKeys = ConfigSchema.sticky.keyNames
    static let recreateKeys = ConfigSchema.recreate.keyNames
    static let rollingKeys = ConfigSchema.rolling.keyNames
    static let blueGreenKeys = ConfigSchema.blueGreen.keyNames
    static let previewKeys = ConfigSchema.preview.keyNames

    /// `service.delivery` from the delivery keys. Called once the route and the runtime are
    /// decoded: a preview host must differ from the route's, and `exclusive` limits the strategy.
    func decodeDelivery(_ fields: MappingFields, into service: inout ServiceConfig) {
        var delivery = DeliveryConfig()
        // Nil when written wrong (reported): the rules comparing it with other keys then keep quiet.
        var replicas: Int? = delivery.replicas
        if let node = fields["replicas"] {
            // Every replica is a process or a container on this one host.
            replicas = reader.integer(node, in: 1...64, expected: "an integer from 1 to 64")
        }
        var strategy: Strategy? = delivery.strategy
        if let node = fields["strategy"] { strategy = choice(node, of: Strategy.self) }
        delivery.replicas = replicas ?? delivery.replicas
        delivery.strategy = strategy ?? delivery.strategy
        if let balance = fields["balance"].flatMap({ choice($0, of: Balance.self) }) { delivery.balance = balance }
        if let node = fields["sticky"] { delivery.sticky = sticky(node) }
        if let recreate = fields["recreate"].flatMap(recreate) { delivery.recreate = recreate }
        if let node = fields["rolling"] { delivery.rolling = rolling(node, replicas: replicas) }
        if let node = fields["blue_green"] { delivery.blueGreen = blueGreen(node, routeHost: service.route.host) }
        if let node = fields["canary"] { delivery.canary = CanaryDecoder(reader: reader).decode(node) }
        service.delivery = delivery
        DeliveryRules(log: reader.log, fields: fields).report(strategy: strategy, replicas: replicas, docker: service.docker)
    }

    /// One word of a closed vocabulary (`least_requests`, `blue_green`), as the model spells it.
    private func choice<Choice: RawRepresentable & CaseIterable>(_ node: ConfigNode, of _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        let expected = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        guard let text = reader.string(node, expected: expected) else { return nil }
        guard let value = Choice(rawValue: text) else {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return value
    }

    /// `sticky: { cookie: NAME }`; `sticky: false` (or `off`) for none, so that an environment can
    /// turn off what the service sets: a mapping written as nothing over it would change nothing.
    private func sticky(_ node: ConfigNode) -> StickyConfig? {
        if reader.isOff(node) { return nil }
        guard let fields = reader.mapping(node, keys: Self.stickyKeys, expected: "a mapping like { cookie: slipway_web }"),
              let cookieNode = reader.required("cookie", in: fields),
              let cookie = reader.string(cookieNode, expected: "a cookie name") else { return nil }
        guard HTTPTokenRules.isCookieName(cookie) else {
            reader.log.add("expected a cookie name of 1 to 64 \(HTTPTokenRules.tokenRule) (an HTTP token), "
                           + "got \(cookieNode.found)", at: cookieNode)
            return nil
        }
        return StickyConfig(cookie: cookie)
    }

    private func recreate(_ node: ConfigNode) -> RecreateConfig? {
        guard let fields = reader.mapping(node, keys: Self.recreateKeys),
              let hold = fields["hold_requests"].flatMap({ reader.duration($0) }) else { return nil }
        return RecreateConfig(holdRequests: hold)
    }

    /// `rolling:`, each bound at most `replicas` (when that is known): a larger one means no more
    /// than `replicas` does, and is more likely a mistake than a wish.
    private func rolling(_ node: ConfigNode, replicas: Int?) -> RollingConfig {
        var rolling = RollingConfig()
        guard let fields = reader.mapping(node, keys: Self.rollingKeys) else { return rolling }
        var valid = true
        for (key, bound) in [("max_surge", \RollingConfig.maxSurge), ("max_unavailable", \.maxUnavailable)] {
            guard let boundNode = fields[key] else { continue }
            guard let value = reader.integer(boundNode, in: 0...Int.max, expected: "an integer >= 0") else {
                valid = false
                continue
            }
            if let replicas, value > replicas {
                reader.log.add("\(key) cannot be more than replicas (\(replicas)), got \(value)", at: boundNode)
            }
            rolling[keyPath: bound] = value
        }
        if valid, rolling.maxSurge == 0, rolling.maxUnavailable == 0 {
            reader.log.add("max_surge and max_unavailable cannot both be 0: no instance could ever be replaced", at: node)
        }
        return rolling
    }

    /// `blue_green:`; nil when its preview is missing or wrong (reported).
    private func blueGreen(_ node: ConfigNode, routeHost: String?) -> BlueGreenConfig? {
        guard let fields = reader.mapping(node, keys: Self.blueGreenKeys) else { return nil }
        let autoSwitch = fields["auto_switch"].flatMap(autoSwitch)
        guard let previewNode = reader.required("preview", in: fields),
              let preview = preview(previewNode, routeHost: routeHost) else { return nil }
        return BlueGreenConfig(preview: preview, autoSwitch: autoSwitch)
    }

    /// `false`: wait for `slipway rollout SERVICE promote` (nil); a duration: switch by itself that
    /// long after the preview passed (`0s` as soon as it has).
    private func autoSwitch(_ node: ConfigNode) -> Duration? {
        if reader.isOff(node) { return nil }
        guard node.tagName != .bool, let text = node.scalarText, let duration = DurationParser.parse(text) else {
            reader.log.add("expected false (switch on slipway rollout SERVICE promote) or a duration like 5m, "
                           + "got \(node.found)", at: node)
            return nil
        }
        return duration
    }

    /// `preview: { host: …, header: "Name: value" }`, at least one of the two.
    private func preview(_ node: ConfigNode, routeHost: String?) -> PreviewRoute? {
        let expected = "host:, header: or both"
        guard let fields = reader.mapping(node, keys: Self.previewKeys, expected: "a mapping with \(expected)") else {
            return nil
        }
        guard !fields.entries.isEmpty else {
            reader.log.add("expected \(expected), got \(node.isNull ? "nothing" : "an empty mapping")", at: node)
            return nil
        }
        var preview: PreviewRoute? = PreviewRoute()
        if let hostNode = fields["host"] {
            if let host = previewHost(hostNode, routeHost: routeHost) { preview?.host = host } else { preview = nil }
        }
        if let headerNode = fields["header"] {
            if let header = header(headerNode) { preview?.header = header } else { preview = nil }
        }
        return preview
    }

    /// A host name as a route's, other than the service's own route host: that one takes the
    /// production traffic, which a preview must not.
    private func previewHost(_ node: ConfigNode, routeHost: String?) -> String? {
        guard let text = reader.string(node, expected: "a host name like preview.app.example.com") else { return nil }
        guard let host = RouteRules.normalizedHost(text) else {
            reader.log.add("expected a host name like preview.app.example.com (no scheme, port or path), "
                           + "got \(node.found)", at: node)
            return nil
        }
        if host == routeHost {
            reader.log.add("the preview host cannot be the service's own route host \(ConfigNode.quoted(host)): "
                           + "the preview would take production traffic", at: node)
            return nil
        }
        return host
    }

    private func header(_ node: ConfigNode) -> HeaderMatch? {
        let expected = "a header like \"X-Slipway-Preview: 1\""
        guard let text = reader.string(node, expected: expected) else { return nil }
        guard let header = HTTPTokenRules.headerMatch(text) else {
            reader.log.add("expected \(expected) (a name of \(HTTPTokenRules.tokenRule), a colon and a value "
                           + "without control characters), got \(node.found)", at: node)
            return nil
        }
        return header
    }
}
