/// What an audit entry records. The spellings are stable: `slipway audit --json` and scripts read them.
package enum AuditAction: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case deployStarted = "deploy.started"
    case deploySucceeded = "deploy.succeeded"
    case deployFailed = "deploy.failed"
    /// Smoke tests failed after the switch and traffic went back.
    case deployRolledBack = "deploy.rolled_back"
    /// The daemon stopped while it ran; closed at the next start.
    case deployInterrupted = "deploy.interrupted"

    case rollbackStarted = "rollback.started"
    case rollbackSucceeded = "rollback.succeeded"
    case rollbackFailed = "rollback.failed"
    /// A live release failed its watch: the controller rolls it back by itself.
    case rollbackAutomatic = "rollback.automatic"
    case rollbackAutomaticSucceeded = "rollback.automatic.succeeded"
    /// A rollback (or a smoke test's switch back) failed: someone must act now.
    case rollbackCritical = "rollback.critical"
    /// A release turned unhealthy in its watch with nothing to roll back to.
    case rollbackImpossible = "rollback.impossible"

    case healthUnhealthy = "health.unhealthy"
    case healthRecovered = "health.recovered"

    /// A release found running after a daemon restart, taken over again.
    case releaseAdopted = "release.adopted"
    /// A release not running after a daemon restart, started again.
    case releaseRestarting = "release.restarting"
    case releaseCrashed = "release.crashed"
    case releaseRestarted = "release.restarted"
    case releaseRestartFailed = "release.restart_failed"
    /// The warm (replaced) release was stopped at the end of the watch.
    case releaseRetired = "release.retired"
    case releaseWarmExited = "release.warm_exited"
    /// Something ran that no record named (the daemon died between starting and recording it).
    case releaseUnrecordedStopped = "release.unrecorded_stopped"
    /// Something of this project ran while the state database held no record at all (new or
    /// lost): adopted and served, never stopped.
    case releaseAdoptedUnrecorded = "release.adopted_unrecorded"

    /// A build, check or smoke command a dead daemon left running was killed by the next one.
    case stageLeftoverKilled = "stage.leftover_killed"

    /// The daemon found the proxy process serving (a previous daemon was killed or upgraded) and
    /// adopted it, replaced it by a hand-off (another build), or moved it (another address).
    case proxyAdopted = "proxy.adopted"
    /// The proxy process was gone (crashed, killed) and was started again with its last route table.
    case proxyRestarted = "proxy.restarted"
    /// `slipway proxy pause`: the service's new requests are held (detail: the hold time).
    case proxyPaused = "proxy.paused"
    /// `slipway proxy resume`: held requests go on to the service's upstream.
    case proxyResumed = "proxy.resumed"
    /// `slipway proxy maintenance`: every request is answered 503 with the message (detail).
    case proxyMaintenance = "proxy.maintenance"
    /// `slipway proxy live`: the end of maintenance.
    case proxyLive = "proxy.live"
    /// `slipway rollout SERVICE pause|resume|promote|abort`, taken by the running rollout (detail: the reason given).
    case rolloutPaused = "rollout.paused"
    case rolloutResumed = "rollout.resumed"
    case rolloutPromoted = "rollout.promoted"
    /// `rollout promote --skip-analysis`: to 100% at once, judging nothing more (an approver's emergency path).
    case rolloutPromotedSkippingAnalysis = "rollout.promoted_skipping_analysis"
    case rolloutAborted = "rollout.aborted"

    /// A deployment into an environment with approvals was recorded and waits for them.
    case deployPending = "deploy.pending"
    case deployApproved = "deploy.approved"
    case deployRejected = "deploy.rejected"
    /// Not approved within the environment's `approval_timeout`.
    case deployExpired = "deploy.expired"
    /// A deployment passed a freeze as a hotfix (`--hotfix --reason`).
    case deployHotfix = "deploy.hotfix"
    /// `slipway freeze`: no deploy or promotion into the environment until `unfreeze`.
    case environmentFrozen = "environment.frozen"
    case environmentUnfrozen = "environment.unfrozen"
    /// An admin rolled back past the deployment's rollback window (`--override --reason`).
    case rollbackOverride = "rollback.override"
    /// A request to the TCP API without a valid bearer token (none, unknown or revoked): answered
    /// 401. The detail names the remote address and the route, never what was presented.
    case apiUnauthenticated = "api.unauthenticated"
    /// A caller whose role is below the route's: answered 403.
    case apiForbidden = "api.forbidden"
    /// A token was exchanged for a dashboard session.
    case dashboardSignedIn = "dashboard.signed_in"
    case dashboardSignedOut = "dashboard.signed_out"
    /// `slipway token create`: the detail names the token and its role, never its value.
    case tokenCreated = "token.created"
    /// `slipway token revoke`: the next request presenting it is answered 401.
    case tokenRevoked = "token.revoked"
    /// A GitHub webhook delivery whose signature verified (`POST /v1/hooks/github`): the detail names
    /// the event, the delivery id, the ref and what it started (or why nothing), the actor is
    /// `github:LOGIN` of the sender.
    case webhookReceived = "webhook.received"
    /// A delivery refused: no signature or a wrong one (401), a body too large (413), a commit the
    /// repository lacks even after fetching (422). The detail names the remote address and the
    /// delivery id, never the signature or the secret.
    case webhookRefused = "webhook.refused"

    /// `proxy.tls.acme`: the renewer asked the CA for a host's certificate (detail: the host and
    /// why: none yet, or the one served expires soon). Never a key.
    case certificateOrdered = "certificate.ordered"
    /// A host's first certificate was issued and written where the proxy serves it from.
    case certificateIssued = "certificate.issued"
    /// A host's certificate was replaced by a new one before it expired.
    case certificateRenewed = "certificate.renewed"
    /// An order failed (detail: the host, the ACME problem's type and detail, the next attempt);
    /// the certificate served before, if any, stays.
    case certificateFailed = "certificate.failed"

    package var description: String { rawValue }
}
