import Foundation

/// What a deployment tells people, at each of its moments.
package struct DeploymentNotification: Sendable, Equatable, Codable {
    package enum Event: String, Sendable, Codable, CaseIterable {
        case started
        case succeeded
        case failed
        case rolledBack = "rolled_back"
        /// A rollback failed: someone must act now.
        case critical
    }

    package var event: Event
    /// The record as it stands when the event happens.
    package var deployment: Deployment
    /// The stage that failed, for failed, rolled_back and critical.
    package var failedStage: Stage?
    /// What to do next, in one line (`slipway logs d-…`, `slipway rollback web`, ...).
    package var nextStep: String?

    package init(event: Event, deployment: Deployment, failedStage: Stage? = nil, nextStep: String? = nil) {
        self.event = event
        self.deployment = deployment
        self.failedStage = failedStage
        self.nextStep = nextStep
    }
}

/// The outcome of sending one notification to one channel, kept in the deployment's record.
package struct NotificationDelivery: Sendable, Equatable, Codable {
    /// `slack`, `telegram`, `webhook`, `email`.
    package var channel: String
    package var event: DeploymentNotification.Event
    package var delivered: Bool
    package var attempts: Int
    /// Why the last attempt failed (redacted: never a secret).
    package var error: String?
    package var at: Date

    package init(channel: String, event: DeploymentNotification.Event, delivered: Bool, attempts: Int, error: String? = nil, at: Date) {
        self.channel = channel
        self.event = event
        self.delivered = delivered
        self.attempts = attempts
        self.error = error
        self.at = at
    }
}
