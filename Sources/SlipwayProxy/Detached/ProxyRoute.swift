import SlipwayModel

/// One service's line of the proxy's route table as it crosses a process boundary: in a control
/// message, in `proxy.json`, in a hand-off to a successor.
package struct ProxyRoute: Sendable, Equatable {
    package var service: ServiceKey
    /// Host and path prefix; nil path: the service has an upstream but no declared route yet.
    package var host: String?
    package var path: String?
    package var backends: Backends?
    /// Paused or in maintenance; absent (as in a table written before these existed): neither.
    package var control: TrafficControl?
    /// A static service's retired sites still answering until they expire; absent (as in a table
    /// written before static sites): none.
    package var retired: [RetiredSite]?

    package init(service: ServiceKey, route: RouteConfig?, backends: Backends?, control: TrafficControl? = nil,
                 retired: [RetiredSite] = []) {
        self.service = service
        self.host = route?.host
        self.path = route?.path
        self.backends = backends
        self.control = control.flatMap { $0.isNone ? nil : $0 }
        self.retired = retired.isEmpty ? nil : retired
    }

    package var route: RouteConfig? {
        path.map { RouteConfig(host: host, path: $0) }
    }

    /// The first instance of the release with the largest share (`Backends.primary`).
    package var upstream: Upstream? { backends?.primary }

    mutating func setRoute(_ route: RouteConfig?) {
        host = route?.host
        path = route?.path
    }
}

/// A table written before replicas and weights held one `upstream` per service: it is read as that
/// upstream alone, and each line still carries its primary `upstream`, so a proxy of an older build
/// handed this table routes each service to it.
extension ProxyRoute: Codable {
    private enum CodingKeys: String, CodingKey {
        case service, host, path, upstream, backends, control, retired
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        service = try container.decode(ServiceKey.self, forKey: .service)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        control = try container.decodeIfPresent(TrafficControl.self, forKey: .control)
        retired = try container.decodeIfPresent([RetiredSite].self, forKey: .retired)
        if let backends = try container.decodeIfPresent(Backends.self, forKey: .backends) {
            self.backends = backends
        } else {
            backends = try container.decodeIfPresent(Upstream.self, forKey: .upstream).map(Backends.single)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encodeIfPresent(host, forKey: .host)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encodeIfPresent(upstream, forKey: .upstream)
        try container.encodeIfPresent(backends, forKey: .backends)
        try container.encodeIfPresent(control, forKey: .control)
        try container.encodeIfPresent(retired, forKey: .retired)
    }
}
