/// How the proxy treats a service's requests besides routing them, as kamal-proxy's `stop`/`pause`:
/// `slipway proxy pause` holds new requests until `resume`; `slipway proxy maintenance` answers
/// every request 503 with a page until `live`. Part of the proxy's route table, so it survives a
/// restart and a hand-off of the proxy process. Maintenance takes precedence over a pause.
package struct TrafficControl: Sendable, Codable, Equatable {
    /// Set while paused: how long a new request waits for `resume` before it is answered 503.
    package var pausedHoldMilliseconds: Int64?
    /// Set in maintenance: the message of the 503 page.
    package var maintenance: String?

    package init(pausedHoldMilliseconds: Int64? = nil, maintenance: String? = nil) {
        self.pausedHoldMilliseconds = pausedHoldMilliseconds
        self.maintenance = maintenance
    }

    /// What `slipway proxy pause` holds a request for when `--hold` is not given.
    package static let defaultHold = Duration.seconds(10)

    /// Neither paused nor in maintenance: requests are routed as usual.
    package var isNone: Bool { pausedHoldMilliseconds == nil && maintenance == nil }

    package var isPaused: Bool { pausedHoldMilliseconds != nil }
}

/// The four proxy controls of a service.
package enum TrafficControlChange: String, Sendable, Codable, CaseIterable {
    case pause
    case resume
    case maintenance
    case live

    /// `change` applied to `control`: the other half (pause or maintenance) is kept.
    package func applied(to control: TrafficControl, hold: Duration?, message: String?) -> TrafficControl {
        var control = control
        switch self {
        case .pause: control.pausedHoldMilliseconds = max(1, (hold ?? TrafficControl.defaultHold).milliseconds)
        case .resume: control.pausedHoldMilliseconds = nil
        case .maintenance: control.maintenance = message ?? ""
        case .live: control.maintenance = nil
        }
        return control
    }
}

/// `POST /v1/proxy/{pause,resume,maintenance,live}`: one service's proxy control.
package struct TrafficControlRequest: Sendable, Codable, Equatable {
    package var service: String
    /// nil: the only environment (refused when there are several).
    package var environment: String?
    /// `pause`: how long a request is held (default 10 s).
    package var holdMilliseconds: Int64?
    /// `maintenance`: the text of the 503 page.
    package var message: String?
    /// Set by the daemon from the caller, never read from the body.
    package var actor: String = ""

    package init(service: String, environment: String? = nil, holdMilliseconds: Int64? = nil, message: String? = nil, actor: String = "") {
        self.service = service
        self.environment = environment
        self.holdMilliseconds = holdMilliseconds
        self.message = message
        self.actor = actor
    }

    private enum CodingKeys: String, CodingKey {
        case service, environment, holdMilliseconds, message
    }
}

/// The answer to a proxy control: the service and how its proxy now treats it.
package struct TrafficControlResponse: Sendable, Codable, Equatable {
    package var service: String
    /// Nil in the default environment.
    package var environment: String?
    package var control: TrafficControl

    package init(service: String, environment: String?, control: TrafficControl) {
        self.service = service
        self.environment = environment
        self.control = control
    }
}
