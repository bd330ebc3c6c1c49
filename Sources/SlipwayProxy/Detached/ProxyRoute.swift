import SlipwayModel

/// One service's line of the proxy's route table as it crosses a process boundary: in a control
/// message, in `proxy.json`, in a hand-off to a successor.
package struct ProxyRoute: Codable, Sendable, Equatable {
    package var service: ServiceKey
    /// Host and path prefix; nil path: the service has an upstream but no declared route yet.
    package var host: String?
    package var path: String?
    package var upstream: Upstream?
    /// Paused or in maintenance; absent (as in a table written before these existed): neither.
    package var control: TrafficControl?

    package init(service: ServiceKey, route: RouteConfig?, upstream: Upstream?, control: TrafficControl? = nil) {
        self.service = service
        self.host = route?.host
        self.path = route?.path
        self.upstream = upstream
        self.control = control.flatMap { $0.isNone ? nil : $0 }
    }

    package var route: RouteConfig? {
        path.map { RouteConfig(host: host, path: $0) }
    }

    mutating func setRoute(_ route: RouteConfig?) {
        host = route?.host
        path = route?.path
    }
}
