import Foundation

/// `slipway deploy --changed` / `slipway plan --changed`: deploy the services a commit range touched.
package struct RunRequest: Sendable, Codable, Equatable {
    /// Diff from this commit; nil: from each service's last successfully deployed commit
    /// (a service never deployed is deployed).
    package var from: String?
    /// The commit to deploy (default `HEAD`).
    package var to: String
    /// Instead of a diff: exactly these services, in dependency order.
    package var services: [String]?
    /// The environment deployed into; nil: the only one (refused when there are several).
    package var environment: String?
    /// Set by the daemon, as `DeployRequest.actor`; never read from the body.
    package var actor: String
    /// What the deployment records say started them: `changed` (nil) for `deploy --changed`, `push`
    /// for the post-receive hook.
    package var trigger: Trigger?

    package init(from: String? = nil, to: String = "HEAD", services: [String]? = nil, environment: String? = nil,
                actor: String = "", trigger: Trigger? = nil) {
        self.from = from
        self.to = to
        self.services = services
        self.environment = environment
        self.actor = actor
        self.trigger = trigger
    }

    private enum CodingKeys: String, CodingKey {
        case from, to, services, environment, trigger
    }

    /// As `init`: `to` left out (or null) is `HEAD` (docs/API.md).
    package init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(from: try fields.decodeIfPresent(String.self, forKey: .from),
                  to: try fields.decodeIfPresent(String.self, forKey: .to) ?? "HEAD",
                  services: try fields.decodeIfPresent([String].self, forKey: .services),
                  environment: try fields.decodeIfPresent(String.self, forKey: .environment),
                  trigger: try fields.decodeIfPresent(Trigger.self, forKey: .trigger))
    }
}

/// The services a run deploys, in waves: a wave's services deploy in parallel, waves in order.
package struct RunPlan: Sendable, Codable, Equatable {
    package struct Entry: Sendable, Codable, Equatable {
        package var service: String
        /// The commit diffed from; nil when the service was never deployed or was named.
        package var from: String?
        /// Changed files that matched its `paths` (at most 20 shown).
        package var because: [String]
        /// The stages it will go through.
        package var stages: [Stage]

        package init(service: String, from: String?, because: [String], stages: [Stage]) {
            self.service = service
            self.from = from
            self.because = because
            self.stages = stages
        }
    }

    /// The full commit being deployed.
    package var to: String
    package var waves: [[Entry]]

    package init(to: String, waves: [[Entry]]) {
        self.to = to
        self.waves = waves
    }
}

/// How each service of a run ended; the run's exit code is the worst of them.
package struct RunSummary: Sendable, Codable, Equatable {
    package struct Result: Sendable, Codable, Equatable {
        /// How one service of a run ended: its deployment's outcome, or why it has none.
        package enum Outcome: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
            case succeeded
            case failed
            case rolledBack = "rolled_back"
            case interrupted
            /// A service it depends on failed: not deployed.
            case skipped
            /// Refused before a deployment began (busy, unknown service).
            case refused
            /// Recorded and waiting for the environment's approvals (a push into a gated environment).
            case pending
            case rejected
            case expired

            package var description: String { rawValue }

            package init(_ outcome: Deployment.Outcome) {
                switch outcome {
                case .succeeded: self = .succeeded
                // A deployment hands back its record once it has ended; a running one would be a
                // deployment that could not finish, which is a failure.
                case .failed, .running: self = .failed
                case .rolledBack: self = .rolledBack
                case .interrupted: self = .interrupted
                case .pending: self = .pending
                case .rejected: self = .rejected
                case .expired: self = .expired
                }
            }
        }

        package var service: String
        package var deploymentID: String?
        package var outcome: Outcome
        package var exitCode: ExitStatus
        package var message: String

        package init(service: String, deploymentID: String?, outcome: Outcome, exitCode: ExitStatus, message: String) {
            self.service = service
            self.deploymentID = deploymentID
            self.outcome = outcome
            self.exitCode = exitCode
            self.message = message
        }
    }

    package var plan: RunPlan
    package var results: [Result]
    package var exitCode: ExitStatus

    package init(plan: RunPlan, results: [Result], exitCode: ExitStatus) {
        self.plan = plan
        self.results = results
        self.exitCode = exitCode
    }
}
