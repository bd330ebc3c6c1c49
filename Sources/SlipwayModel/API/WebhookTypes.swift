/// The answer to a GitHub webhook delivery (`POST /v1/hooks/github`, docs/API.md). GitHub shows it
/// under the hook's "Recent Deliveries"; it gives up on an answer after 10 s, so the deployments a
/// push starts are named here (their plan and ids), not waited for.
package struct WebhookAnswer: Sendable, Codable, Equatable {
    /// `X-GitHub-Event`: `push`, `ping`, …
    package var event: String
    /// `X-GitHub-Delivery`.
    package var delivery: String?
    /// What happened, in a sentence.
    package var message: String
    /// A `ping`.
    package var pong: Bool?
    /// The delivery was received before: nothing was run again.
    package var duplicate: Bool?
    /// An event that deploys nothing (not a push).
    package var ignored: Bool?
    /// One per environment the pushed ref deploys into.
    package var runs: [WebhookRun]

    package init(event: String, delivery: String?, message: String, pong: Bool? = nil, duplicate: Bool? = nil,
                ignored: Bool? = nil, runs: [WebhookRun] = []) {
        self.event = event
        self.delivery = delivery
        self.message = message
        self.pong = pong
        self.duplicate = duplicate
        self.ignored = ignored
        self.runs = runs
    }
}

/// A run a push started in one environment, as far as it got before the answer: its plan and the
/// ids of the deployments already recorded (the first wave's; later waves start when it ends), or
/// why it was refused (a freeze, the tag policy).
package struct WebhookRun: Sendable, Codable, Equatable {
    package var environment: String
    /// The ref the run deploys (`v1.2.3` for a tag, the pushed commit for a branch).
    package var ref: String
    package var plan: RunPlan?
    package var deployments: [String]
    package var error: APIError?

    package init(environment: String, ref: String, plan: RunPlan? = nil, deployments: [String] = [], error: APIError? = nil) {
        self.environment = environment
        self.ref = ref
        self.plan = plan
        self.deployments = deployments
        self.error = error
    }
}
