import SlipwayModel

/// `route:` of a service: a path prefix and an optional host.
struct RouteDecoder {
    let reader: ConfigReader

    static let keys = ConfigSchema.route.keyNames

    /// The route, nil when any part of it is wrong (so it takes no part in conflict checks), and the
    /// node a conflict with another service points at.
    func decode(_ node: ConfigNode) -> (route: RouteConfig?, reference: ConfigNode) {
        guard let fields = reader.mapping(node, keys: Self.keys) else { return (nil, node) }
        var route: RouteConfig? = RouteConfig()
        if let pathNode = fields["path"] {
            if let value = path(pathNode) { route?.path = value } else { route = nil }
        }
        if let hostNode = fields["host"] {
            if let value = host(hostNode) { route?.host = value } else { route = nil }
        }
        return (route, fields["path"] ?? node)
    }

    private func path(_ node: ConfigNode) -> String? {
        guard let text = reader.string(node, expected: "a path like /api") else { return nil }
        guard RouteRules.isValidRoutePath(text) else {
            reader.log.add("expected a path like /api (starting with \"/\", without \"?\", \"#\" or spaces), "
                           + "got \(node.found)", at: node)
            return nil
        }
        return text
    }

    private func host(_ node: ConfigNode) -> String? {
        guard let text = reader.string(node, expected: "a host name like app.example.com") else { return nil }
        if text.hasPrefix("*.") {
            reader.log.add("a route's host is one name, not a wildcard like \(node.found): the proxy matches Host exactly, "
                           + "and proxy.tls.acme's HTTP-01 can prove only one name; route each host", at: node)
            return nil
        }
        guard let host = RouteRules.normalizedHost(text) else {
            reader.log.add("expected a host name like app.example.com (no scheme, port or path), "
                           + "got \(node.found)", at: node)
            return nil
        }
        return host
    }
}
