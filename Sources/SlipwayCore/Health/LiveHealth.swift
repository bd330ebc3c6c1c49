import SlipwayModel

/// The health of a release that is serving, from its consecutive probe results.
package struct LiveHealth: Sendable, Equatable {
    package enum Transition: Sendable, Equatable {
        case none
        /// Crossed `unhealthy_threshold` consecutive failures.
        case becameUnhealthy(reason: String)
        /// Healthy again after being unhealthy.
        case recovered
    }

    package let unhealthyThreshold: Int
    package private(set) var status: ServiceStatus.Health = .unknown
    package private(set) var consecutiveFailures = 0
    package private(set) var lastResult: ProbeResult?

    package init(unhealthyThreshold: Int, status: ServiceStatus.Health = .unknown) {
        self.unhealthyThreshold = unhealthyThreshold
        self.status = status
    }

    package mutating func record(_ result: ProbeResult) -> Transition {
        lastResult = result
        if result.healthy {
            consecutiveFailures = 0
            let was = status
            status = .healthy
            return was == .unhealthy ? .recovered : .none
        }
        consecutiveFailures += 1
        if consecutiveFailures >= unhealthyThreshold && status != .unhealthy {
            status = .unhealthy
            return .becameUnhealthy(reason: "\(consecutiveFailures) consecutive failed probes; last: \(result.summary)")
        }
        return .none
    }
}
