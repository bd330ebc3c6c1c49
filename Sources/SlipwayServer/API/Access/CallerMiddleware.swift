import Hummingbird
import SlipwayModel

/// On the unix socket: the caller is the peer's OS user (SO_PEERCRED), with the role `admin`. The
/// socket is 0600 inside the 0700 state directory, so whoever reaches it owns the state already.
struct UnixPeerAuthentication: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        let peer = try await PeerCredentials.of(context.channel)
        var context = context
        context.caller = Caller(name: PeerCredentials.userName(uid: peer.uid), role: .admin,
                                address: "the unix socket (uid \(peer.uid), pid \(peer.pid))")
        return try await next(request, context)
    }
}

/// On the TCP API: the caller is the bearer token's name, with its role; without a valid token the
/// request goes no further (401, audited). The one exception is a route whose signature is its
/// credential (`APIEndpoint.Access.signature`: GitHub's webhook, which cannot send a token): it
/// passes with no caller, and its handler verifies the signature before anything else.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = APIRequestContext
    let access: APIAccess
    /// Whether the dashboard is served beside the API (its paths are left to it).
    var dashboard = false

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        if APIEndpoint.isSignatureAuthenticated(method: request.method, path: request.uri.path) {
            return try await next(request, context)
        }
        // The dashboard's pages authenticate by their session cookie, each handler for itself.
        if dashboard, DashboardRoutes.handles(request.uri.path) {
            return try await next(request, context)
        }
        let route = "\(request.method.rawValue) \(request.uri.path.prefix(200))"
        var context = context
        context.caller = try await access.authenticate(authorization: request.headers[.authorization],
                                                       address: context.remoteAddress, route: route)
        return try await next(request, context)
    }
}
