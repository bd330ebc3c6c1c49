import SlipwayModel

/// The health of a release that is serving, from its consecutive probe results.
public struct LiveHealth: Sendable, Equatable {
    public enum Transition: Sendable, Equatable {
        case none
        /// Crossed `unhealthy_threshold` consecutive failures.
        case becameUnhealthy(reason: String)
        /// Healthy again after being unhealthy.
        case recovered
    }

    public let unhealthyThreshold: Int
    public private(set) var status: ServiceStatus.Health = .unknown
    public private(set) var consecutiveFailures = 0
    public private(set) var lastResult: ProbeResult?

    public init(unhealthyThreshold: Int, status: ServiceStatus.Health = .unknown) {
        self.unhealthyThreshold = unhealthyThreshold
        self.status = status
    }

    public mutating func record(_ result: ProbeResult) -> Transition {
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
