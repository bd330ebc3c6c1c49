import Foundation

/// `slipway deploy --changed` / `slipway plan --changed`: deploy the services a commit range touched.
public struct RunRequest: Sendable, Codable, Equatable {
    /// Diff from this commit; nil: from each service's last successfully deployed commit
    /// (a service never deployed is deployed).
    public var from: String?
    /// The commit to deploy (default `HEAD`).
    public var to: String
    /// Instead of a diff: exactly these services, in dependency order.
    public var services: [String]?
    public var actor: String
    /// What the deployment records say started them: `changed` (nil) for `deploy --changed`, `push`
    /// for the post-receive hook.
    public var trigger: Trigger?

    public init(from: String? = nil, to: String = "HEAD", services: [String]? = nil, actor: String, trigger: Trigger? = nil) {
        self.from = from
        self.to = to
        self.services = services
        self.actor = actor
        self.trigger = trigger
    }
}

/// The services a run deploys, in waves: a wave's services deploy in parallel, waves in order.
public struct RunPlan: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var service: String
        /// The commit diffed from; nil when the service was never deployed or was named.
        public var from: String?
        /// Changed files that matched its `paths` (at most 20 shown).
        public var because: [String]
        /// The stages it will go through.
        public var stages: [Stage]

        public init(service: String, from: String?, because: [String], stages: [Stage]) {
            self.service = service
            self.from = from
            self.because = because
            self.stages = stages
        }
    }

    /// The full commit being deployed.
    public var to: String
    public var waves: [[Entry]]

    public init(to: String, waves: [[Entry]]) {
        self.to = to
        self.waves = waves
    }
}

/// How each service of a run ended; the run's exit code is the worst of them.
public struct RunSummary: Sendable, Codable, Equatable {
    public struct Result: Sendable, Codable, Equatable {
        /// How one service of a run ended: its deployment's outcome, or why it has none.
        public enum Outcome: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
            case succeeded
            case failed
            case rolledBack = "rolled_back"
            case interrupted
            /// A service it depends on failed: not deployed.
            case skipped
            /// Refused before a deployment began (busy, unknown service).
            case refused

            public var description: String { rawValue }

            public init(_ outcome: Deployment.Outcome) {
                switch outcome {
                case .succeeded: self = .succeeded
                // A deployment hands back its record once it has ended; a running one would be a
                // deployment that could not finish, which is a failure.
                case .failed, .running: self = .failed
                case .rolledBack: self = .rolledBack
                case .interrupted: self = .interrupted
                }
            }
        }

        public var service: String
        public var deploymentID: String?
        public var outcome: Outcome
        public var exitCode: ExitStatus
        public var message: String

        public init(service: String, deploymentID: String?, outcome: Outcome, exitCode: ExitStatus, message: String) {
            self.service = service
            self.deploymentID = deploymentID
            self.outcome = outcome
            self.exitCode = exitCode
            self.message = message
        }
    }

    public var plan: RunPlan
    public var results: [Result]
    public var exitCode: ExitStatus

    public init(plan: RunPlan, results: [Result], exitCode: ExitStatus) {
        self.plan = plan
        self.results = results
        self.exitCode = exitCode
    }
}
