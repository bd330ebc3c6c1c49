import SlipwayModel

/// An immutable table of routes, in match order. `Target` is what a matched route leads to:
/// the proxy uses its per-event-loop upstream state; tests use plain values.
struct RouteTable<Target> {
    struct Entry {
        var service: ServiceKey
        /// Lowercased; nil matches any host.
        var host: String?
        /// Normalized by `RequestTarget.normalizedPrefix`.
        var pathPrefix: String
        var target: Target
    }

    /// Host-specific routes first, then host-less ones; within each, longer prefixes first.
    /// The first entry that matches is the answer.
    private(set) var entries: [Entry]

    init(_ entries: [Entry] = []) {
        self.entries = entries.sorted { a, b in
            if (a.host != nil) != (b.host != nil) { return a.host != nil }
            if a.pathPrefix.utf8.count != b.pathPrefix.utf8.count {
                return a.pathPrefix.utf8.count > b.pathPrefix.utf8.count
            }
            return a.service < b.service
        }
    }

    init(service: ServiceKey, route: RouteConfig, target: Target) {
        self.init([Entry(service: service, route: route, target: target)])
    }

    /// The route for a request: `hostHeader` is the raw `Host` header, `uri` the request target.
    func match(hostHeader: String?, uri: String) -> Entry? {
        let path = RequestTarget.path(of: uri)
        let host = hostHeader.map(RequestTarget.hostName)
        for entry in entries {
            if let routeHost = entry.host {
                guard let host, RequestTarget.equalsIgnoringCase(host, lowercased: routeHost) else { continue }
            }
            if RequestTarget.pathHasPrefix(path, entry.pathPrefix) {
                return entry
            }
        }
        return nil
    }
}

extension RouteTable.Entry {
    init(service: ServiceKey, route: RouteConfig, target: Target) {
        self.init(
            service: service,
            host: route.host.map { $0.lowercased() },
            pathPrefix: RequestTarget.normalizedPrefix(route.path),
            target: target
        )
    }
}
