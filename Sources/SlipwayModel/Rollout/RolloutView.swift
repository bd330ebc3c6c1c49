import Foundation

/// `POST /v1/rollouts/SERVICE/{pause,resume,promote,promote-skipping-analysis,abort}`: a person's
/// command to a service's running rollout.
package struct RolloutCommandRequest: Sendable, Codable, Equatable {
    /// From the path, never read from the body.
    package var service: String = ""
    /// nil: the only environment (refused when there are several).
    package var environment: String?
    /// Why: required by `promote --skip-analysis`, recorded with every command that has one.
    package var reason: String?
    /// Set by the daemon from the caller, never read from the body.
    package var actor: String = ""

    package init(service: String, environment: String? = nil, reason: String? = nil, actor: String = "") {
        self.service = service
        self.environment = environment
        self.reason = reason
        self.actor = actor
    }

    private enum CodingKeys: String, CodingKey {
        case environment, reason
    }
}

/// A service's rollout as `slipway rollout SERVICE status` and the API show it: `RolloutStatus`
/// with wall-clock times.
package struct RolloutView: Sendable, Codable, Equatable {
    package var service: String
    /// Nil in the default environment.
    package var environment: String?
    /// The deployment that runs the rollout.
    package var deployment: String
    package var strategy: Strategy
    package var phase: RolloutStatus.Phase
    /// 0-based.
    package var step: Int
    package var steps: Int
    /// Percent of production requests on the new release.
    package var weight: Int
    package var startedAt: Date?
    /// When the phase's wait ends (a pause between steps, blue-green's auto switch).
    package var until: Date?
    package var windowStartedAt: Date?
    package var lastVerdict: AnalysisVerdict?
    package var pausedBy: String?

    package init(service: String, environment: String?, deployment: String, status: RolloutStatus,
                 date: (Duration) -> Date) {
        self.service = service
        self.environment = environment
        self.deployment = deployment
        self.strategy = status.strategy
        self.phase = status.phase
        self.step = status.step
        self.steps = status.steps
        self.weight = status.weight
        self.startedAt = status.startedAt.map(date)
        self.until = status.until.map(date)
        self.windowStartedAt = status.windowStartedAt.map(date)
        self.lastVerdict = status.lastVerdict
        self.pausedBy = status.pausedBy
    }
}

/// The answer to a taken command: where the rollout stands after it; nil when the command ended it.
package struct RolloutCommandResponse: Sendable, Codable, Equatable {
    package var service: String
    package var environment: String?
    package var command: RolloutCommand
    package var rollout: RolloutView?

    package init(service: String, environment: String?, command: RolloutCommand, rollout: RolloutView?) {
        self.service = service
        self.environment = environment
        self.command = command
        self.rollout = rollout
    }
}
