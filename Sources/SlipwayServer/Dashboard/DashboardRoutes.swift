import Foundation
import Hummingbird
import NIOCore
import SlipwayModel

/// The dashboard, on the TCP API's listener under `/` (the JSON API stays under `/v1`): sign-in
/// with a token exchanged for a session, the overview, and its live feed (Server-Sent Events).
/// Its pages authenticate by the session cookie, not a bearer token (`BearerAuthentication` leaves
/// them alone); each handler asks for the session itself, and every POST checks the session's
/// CSRF token.
struct DashboardRoutes: Sendable {
    let access: APIAccess
    let sessions: DashboardSessions
    /// What its forms do; nil: the dashboard only shows (its forms are answered 503).
    let actions: DashboardActions?
    let pages: DashboardPages
    /// The daemon's status, with each proxy's bound address (`GET /v1/status`'s answer).
    let status: @Sendable () async throws -> StatusResponse
    /// Served over TLS: the session cookie is `Secure`.
    let secure: Bool
    let now: @Sendable () -> Date
    /// The status readings every live page shares.
    let feed: DashboardFeed

    init(access: APIAccess, sessions: DashboardSessions, actions: DashboardActions?, pages: DashboardPages,
         status: @escaping @Sendable () async throws -> StatusResponse, secure: Bool, feedInterval: Duration = .seconds(1),
         now: @escaping @Sendable () -> Date) {
        self.access = access
        self.sessions = sessions
        self.actions = actions
        self.pages = pages
        self.status = status
        self.secure = secure
        self.now = now
        feed = DashboardFeed(interval: feedInterval, status: status)
    }

    /// Whether a path is the dashboard's (everything but the JSON API and `/metrics`).
    static func handles(_ path: String) -> Bool {
        !(path == "/v1" || path.hasPrefix("/v1/") || path == "/metrics")
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/sign-in") { request, _ in
            if await sessions.session(DashboardHTTP.sessionID(request)) != nil { return DashboardHTTP.redirect("/") }
            return DashboardHTTP.page(pages.signIn(error: nil))
        }
        router.post("/sign-in") { request, context in
            let token = try await DashboardHTTP.form(request)["token"] ?? ""
            let caller: Caller
            do {
                // Refused tokens are audited by `authenticate`, as on the API.
                caller = try await access.authenticate(authorization: "Bearer \(token)", address: context.remoteAddress,
                                                       route: "POST /sign-in")
            } catch {
                return DashboardHTTP.page(pages.signIn(error: "That token is not valid: unknown or revoked."), status: .unauthorized)
            }
            let session = await sessions.open(caller)
            await access.audit(AuditEntry(at: now(), actor: caller.name, action: .dashboardSignedIn,
                                          detail: "signed in to the dashboard from \(context.remoteAddress) (role \(caller.role))"))
            return DashboardHTTP.redirect("/", cookie: DashboardHTTP.sessionCookie(session.id, maxAge: Int(sessions.lifetime),
                                                                                  secure: secure))
        }
        router.post("/sign-out") { request, _ in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            guard try await DashboardHTTP.form(request)["csrf"] == session.csrf else {
                return DashboardHTTP.refused(.forbidden, "refused: the form's CSRF token is missing or wrong")
            }
            await sessions.close(session.id)
            await access.audit(AuditEntry(at: now(), actor: session.caller.name, action: .dashboardSignedOut,
                                          detail: "signed out of the dashboard"))
            return DashboardHTTP.redirect("/sign-in", cookie: DashboardHTTP.sessionCookie("", maxAge: 0, secure: secure))
        }
        router.get("/") { request, _ in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            let notice = request.uri.queryParameters["notice"].map(String.init)
            let error = request.uri.queryParameters["error"].map(String.init)
            return DashboardHTTP.page(pages.overview(try await status(), session: session, at: now(), notice: notice, error: error))
        }
        router.post("/actions/:name") { request, context in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            let fields = try await DashboardHTTP.form(request)
            guard fields["csrf"] == session.csrf else {
                return DashboardHTTP.refused(.forbidden, "refused: the form's CSRF token is missing or wrong")
            }
            let name = try context.parameters.require("name")
            guard let endpoint = DashboardActions.endpoint(name) else { return DashboardHTTP.refused(.notFound, "no action \(name)") }
            guard let actions else { return DashboardHTTP.refused(.serviceUnavailable, "this dashboard only shows") }
            do {
                // The API's role for the same endpoint; a refusal is audited as on the API.
                let caller = try await access.authorize(session.caller, for: endpoint)
                let done = try await actions.perform(name, fields, caller: caller)
                return DashboardHTTP.redirect("/?notice=" + Self.query(done))
            } catch let error as SlipwayError {
                if error.code == .forbidden {
                    return DashboardHTTP.refused(.forbidden, "refused: \(error.message)")
                }
                return DashboardHTTP.redirect("/?error=" + Self.query(error.message))
            }
        }
        router.get("/events") { request, _ in
            guard await sessions.session(DashboardHTTP.sessionID(request)) != nil else {
                return DashboardHTTP.refused(.unauthorized, "sign in first")
            }
            return feed(sessionID: DashboardHTTP.sessionID(request))
        }
        router.get("/assets/dashboard.css") { _, _ in asset(DashboardPages.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in asset(DashboardPages.javaScript, type: "text/javascript; charset=utf-8") }
    }

    /// The overview's fragment each time it changes, as `event: overview`; `event: signed-out` once
    /// the session has ended. Written until the browser goes away.
    private func feed(sessionID: String?) -> Response {
        var headers = DashboardHTTP.securityHeaders
        headers[.contentType] = "text/event-stream; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var last = ""
            for await reading in await feed.listen() {
                guard let session = await sessions.session(sessionID) else {
                    try? await writer.write(ByteBuffer(string: "event: signed-out\ndata: \n\n"))
                    break
                }
                if let status = reading {
                    let fragment = pages.overviewFragment(status, session: session, at: now())
                    // The timestamp alone changing is not news.
                    let content = fragment.replacingOccurrences(of: #"Updated [^;]*;"#, with: "", options: .regularExpression)
                    if content != last {
                        last = content
                        let data = fragment.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }.joined(separator: "\n")
                        do { try await writer.write(ByteBuffer(string: "event: overview\n\(data)\n\n")) } catch { break }
                    }
                }
            }
            try? await writer.finish(nil)
        })
    }

    private static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    private func asset(_ text: String, type: String) -> Response {
        var headers = DashboardHTTP.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
