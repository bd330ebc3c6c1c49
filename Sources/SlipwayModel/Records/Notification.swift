import Foundation

/// What a deployment tells people, at each of its moments.
public struct DeploymentNotification: Sendable, Equatable, Codable {
    public enum Event: String, Sendable, Codable, CaseIterable {
        case started
        case succeeded
        case failed
        case rolledBack = "rolled_back"
        /// A rollback failed: someone must act now.
        case critical
    }

    public var event: Event
    /// The record as it stands when the event happens.
    public var deployment: Deployment
    /// The stage that failed, for failed, rolled_back and critical.
    public var failedStage: Stage?
    /// What to do next, in one line (`slipway logs d-…`, `slipway rollback web`, ...).
    public var nextStep: String?

    public init(event: Event, deployment: Deployment, failedStage: Stage? = nil, nextStep: String? = nil) {
        self.event = event
        self.deployment = deployment
        self.failedStage = failedStage
        self.nextStep = nextStep
    }
}

/// The outcome of sending one notification to one channel, kept in the deployment's record.
public struct NotificationDelivery: Sendable, Equatable, Codable {
    /// `slack`, `telegram`, `webhook`, `email`.
    public var channel: String
    public var event: DeploymentNotification.Event
    public var delivered: Bool
    public var attempts: Int
    /// Why the last attempt failed (redacted: never a secret).
    public var error: String?
    public var at: Date

    public init(channel: String, event: DeploymentNotification.Event, delivered: Bool, attempts: Int, error: String? = nil, at: Date) {
        self.channel = channel
        self.event = event
        self.delivered = delivered
        self.attempts = attempts
        self.error = error
        self.at = at
    }
}
