import Hummingbird
import SlipwayModel

/// Every route of the API with what it needs to be called: the one place that says who may do what
/// (docs/API.md). A route is registered through its case (`APIRoutes.on`, `APIRoutes.onSigned`), so
/// none exists without an access rule: a role, or a signature over its body. Later verbs (approve,
/// freeze, promote) add their case here first.
enum APIEndpoint: String, CaseIterable, Sendable {
    case status
    case deploy
    case rollback
    case promote
    case plan
    case run
    case history
    case deployment
    case deploymentLogs
    case serviceOutput
    case audit
    case approve
    case reject
    case listFreezes
    case freeze
    case unfreeze
    case proxyPause
    case proxyResume
    case proxyMaintenance
    case proxyLive
    case rolloutStatus
    case rolloutPause
    case rolloutResume
    case rolloutPromote
    case rolloutPromoteSkippingAnalysis
    case rolloutAbort
    case metrics
    case listTokens
    case createToken
    case revokeToken
    case githubHook

    /// What admits a request to a route.
    enum Access: Equatable {
        /// A caller established by the transport (the unix socket's peer, a bearer token) with at
        /// least this role.
        case role(Role)
        /// No caller: the request's body is signed with a shared secret (GitHub's
        /// `X-Hub-Signature-256`), and that signature is the credential. Bearer authentication
        /// passes exactly these routes through (`isSignatureAuthenticated`).
        case signature
    }

    var method: HTTPRequest.Method {
        switch self {
        case .status, .history, .deployment, .deploymentLogs, .serviceOutput, .audit, .listTokens, .listFreezes, .metrics,
             .rolloutStatus: .get
        case .deploy, .rollback, .promote, .plan, .run, .createToken, .approve, .reject, .freeze, .githubHook,
             .proxyPause, .proxyResume, .proxyMaintenance, .proxyLive, .rolloutPause, .rolloutResume, .rolloutPromote,
             .rolloutPromoteSkippingAnalysis, .rolloutAbort: .post
        case .revokeToken, .unfreeze: .delete
        }
    }

    /// The path below `/v1`, in Hummingbird's pattern syntax.
    var path: String {
        switch self {
        case .status: "status"
        case .deploy, .history: "deployments"
        case .rollback: "rollbacks"
        case .promote: "promotions"
        case .plan: "plans"
        case .run: "runs"
        case .deployment: "deployments/:id"
        case .deploymentLogs: "deployments/:id/logs"
        case .serviceOutput: "services/:name/output"
        case .audit: "audit"
        case .metrics: "metrics"
        case .approve: "deployments/:id/approvals"
        case .reject: "deployments/:id/rejections"
        case .listFreezes, .freeze: "freezes"
        case .unfreeze: "freezes/:environment"
        case .listTokens, .createToken: "tokens"
        case .revokeToken: "tokens/:name"
        case .githubHook: "hooks/github"
        case .proxyPause: "proxy/pause"
        case .proxyResume: "proxy/resume"
        case .proxyMaintenance: "proxy/maintenance"
        case .proxyLive: "proxy/live"
        case .rolloutStatus: "rollouts/:service"
        case .rolloutPause: "rollouts/:service/pause"
        case .rolloutResume: "rollouts/:service/resume"
        case .rolloutPromote: "rollouts/:service/promote"
        case .rolloutPromoteSkippingAnalysis: "rollouts/:service/promote-skipping-analysis"
        case .rolloutAbort: "rollouts/:service/abort"
        }
    }

    /// The least role that may call it. Reading is `viewer`'s; changing what runs is `deployer`'s
    /// (a plan is one: it is how a deployer asks what a run would do; so are the proxy controls,
    /// which a deploy by hand around a migration needs, and a rollout's pause, resume, promote and
    /// abort); approving, rejecting, freezing and promoting a rollout without analysis are `approver`'s; tokens (and a rollback's `--override`) are `admin`'s.
    /// The GitHub webhook has no caller: its signature is checked by its handler.
    var access: Access {
        switch self {
        case .status, .history, .deployment, .deploymentLogs, .serviceOutput, .audit, .listFreezes, .metrics,
             .rolloutStatus: .role(.viewer)
        case .deploy, .rollback, .promote, .plan, .run, .proxyPause, .proxyResume, .proxyMaintenance, .proxyLive,
             .rolloutPause, .rolloutResume, .rolloutPromote, .rolloutAbort: .role(.deployer)
        case .approve, .reject, .freeze, .unfreeze, .rolloutPromoteSkippingAnalysis: .role(.approver)
        case .listTokens, .createToken, .revokeToken: .role(.admin)
        case .githubHook: .signature
        }
    }

    /// The role a caller needs; nil for a signature-authenticated route.
    var role: Role? {
        guard case .role(let role) = access else { return nil }
        return role
    }

    /// Whether a request is for a route whose signature is its credential: no bearer token is asked
    /// of it. Exact method and path (no pattern: no such route has parameters).
    static func isSignatureAuthenticated(method: HTTPRequest.Method, path: String) -> Bool {
        allCases.contains { $0.access == .signature && $0.method == method && "/\(API.version)/\($0.path)" == path }
    }

    /// `/metrics` is where Prometheus looks for it, outside `/v1`; every other route is under `/v1`.
    var isUnversioned: Bool { self == .metrics }

    /// `POST /v1/deployments`, as the audit trail names a refused request.
    var described: String { "\(method.rawValue) \(isUnversioned ? "" : "/\(API.version)")/\(path)" }
}
