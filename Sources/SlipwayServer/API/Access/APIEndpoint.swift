import Hummingbird
import SlipwayModel

/// Every route of the API with the role it needs: the one place that says who may do what
/// (docs/API.md). A route is registered through its case (`APIRoutes.on`), so none exists without a
/// role. Later verbs (approve, freeze, promote) add their case here first.
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
    case listTokens
    case createToken
    case revokeToken

    var method: HTTPRequest.Method {
        switch self {
        case .status, .history, .deployment, .deploymentLogs, .serviceOutput, .audit, .listTokens, .listFreezes: .get
        case .deploy, .rollback, .promote, .plan, .run, .createToken, .approve, .reject, .freeze: .post
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
        case .approve: "deployments/:id/approvals"
        case .reject: "deployments/:id/rejections"
        case .listFreezes, .freeze: "freezes"
        case .unfreeze: "freezes/:environment"
        case .listTokens, .createToken: "tokens"
        case .revokeToken: "tokens/:name"
        }
    }

    /// The least role that may call it. Reading is `viewer`'s; changing what runs is `deployer`'s
    /// (a plan is one: it is how a deployer asks what a run would do); approving, rejecting and
    /// freezing are `approver`'s; tokens (and a rollback's `--override`) are `admin`'s.
    var role: Role {
        switch self {
        case .status, .history, .deployment, .deploymentLogs, .serviceOutput, .audit, .listFreezes: .viewer
        case .deploy, .rollback, .promote, .plan, .run: .deployer
        case .approve, .reject, .freeze, .unfreeze: .approver
        case .listTokens, .createToken, .revokeToken: .admin
        }
    }

    /// `POST /v1/deployments`, as the audit trail names a refused request.
    var described: String { "\(method.rawValue) /\(API.version)/\(path)" }
}
