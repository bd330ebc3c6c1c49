import SlipwayModel

/// A request on the proxy process's control socket: one JSON object per line.
package struct ProxyControlRequest: Codable, Sendable, Equatable {
    package enum Operation: String, Codable, Sendable {
        /// Declare a service's route (`service`, `route`).
        case configure
        /// Point a service at `upstream` (absent: none); the reply carries the one replaced.
        case switchTraffic = "switch"
        /// Point a service at `backends` (absent: none); the reply carries the ones replaced.
        case route
        /// Wait for `upstream`'s requests to finish, at most `timeoutMilliseconds`.
        case drain
        /// The backends (and primary upstream) a service routes to, and its control (paused, maintenance).
        case upstream
        /// Stop routing a service.
        case remove
        /// Hold a service's new requests (`holdMilliseconds` each, default 10 s) until `resume`;
        /// the reply carries the service's control.
        case pause
        /// Start the held requests and route new ones again.
        case resume
        /// Answer every request of the service 503 with `message` until `live`.
        case maintenance
        case live
        /// The process, its build and its route table.
        case status
        /// What the proxy has counted per upstream (`UpstreamStatistics`): what `/metrics` shows.
        case statistics
        /// Stop accepting, finish in-flight exchanges, exit.
        case stop
        /// Send the listening sockets and the route table to the successor listening at `path`.
        case handOff = "hand_off"
    }

    package var operation: Operation
    package var service: ServiceKey?
    package var route: ProxyRoute?
    package var upstream: Upstream?
    package var backends: Backends?
    package var timeoutMilliseconds: Int?
    package var path: String?
    /// `pause`: how long each request is held.
    package var holdMilliseconds: Int64?
    /// `maintenance`: the text of the 503 page.
    package var message: String?

    package init(_ operation: Operation, service: ServiceKey? = nil, route: ProxyRoute? = nil, upstream: Upstream? = nil,
                 backends: Backends? = nil, timeoutMilliseconds: Int? = nil, path: String? = nil,
                 holdMilliseconds: Int64? = nil, message: String? = nil) {
        self.backends = backends
        self.holdMilliseconds = holdMilliseconds
        self.message = message
        self.operation = operation
        self.service = service
        self.route = route
        self.upstream = upstream
        self.timeoutMilliseconds = timeoutMilliseconds
        self.path = path
    }
}

/// The answer to one request.
package struct ProxyControlReply: Codable, Sendable, Equatable {
    /// Set when the request failed; nothing changed.
    package var error: String?
    /// The proxy is handing off to a successor and takes no changes: ask again (the control
    /// socket's path then leads to the successor).
    package var handingOff: Bool?
    package var upstream: Upstream?
    package var backends: Backends?
    package var inFlight: Int?
    package var status: ProxyStatus?
    package var statistics: [UpstreamStatistics]?
    /// The service's control, after a `pause`, `resume`, `maintenance` or `live`, and with `upstream`.
    package var control: TrafficControl?

    package init(error: String? = nil, handingOff: Bool? = nil, upstream: Upstream? = nil, backends: Backends? = nil,
                 inFlight: Int? = nil, status: ProxyStatus? = nil, statistics: [UpstreamStatistics]? = nil,
                 control: TrafficControl? = nil) {
        self.backends = backends
        self.control = control
        self.error = error
        self.handingOff = handingOff
        self.upstream = upstream
        self.inFlight = inFlight
        self.status = status
        self.statistics = statistics
    }
}

/// Who a proxy process is and what it routes: the `status` answer and the content of `proxy.json`.
package struct ProxyStatus: Codable, Sendable, Equatable {
    package var pid: Int32
    /// With the pid, the process's identity (`/proc/PID/stat` field 22): a recycled pid is not it.
    package var startTime: UInt64
    /// The executable it runs (`ExecutableIdentity`): another build is replaced by a hand-off.
    package var build: String
    /// The address it listens on.
    package var listen: String
    /// Its client idle timeout: a daemon configured otherwise replaces it by a hand-off.
    package var idleTimeoutMilliseconds: Int64?
    package var routes: [ProxyRoute]
    /// `proxy.tls` as it was started with: a daemon configured otherwise replaces it by a hand-off.
    package var tls: ProxyTLSConfig?
    /// Where its TLS listener is bound.
    package var tlsListen: String?

    package init(pid: Int32, startTime: UInt64, build: String, listen: String, idleTimeoutMilliseconds: Int64?, routes: [ProxyRoute],
                 tls: ProxyTLSConfig? = nil, tlsListen: String? = nil) {
        self.tls = tls
        self.tlsListen = tlsListen
        self.pid = pid
        self.startTime = startTime
        self.build = build
        self.listen = listen
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.routes = routes
    }
}
