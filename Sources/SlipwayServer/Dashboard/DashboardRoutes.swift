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
    /// Deployments, their logs and the audit trail, for the deployment, history and audit pages.
    let records: any DashboardRecords
    /// How often a deployment page not followed live (one running in no recorder here) re-reads it.
    let recordInterval: Duration

    init(access: APIAccess, sessions: DashboardSessions, actions: DashboardActions?, pages: DashboardPages,
         status: @escaping @Sendable () async throws -> StatusResponse, records: any DashboardRecords, secure: Bool,
         feedInterval: Duration = .seconds(1), now: @escaping @Sendable () -> Date) {
        self.access = access
        self.sessions = sessions
        self.actions = actions
        self.pages = pages
        self.status = status
        self.records = records
        self.secure = secure
        self.now = now
        recordInterval = feedInterval
        feed = DashboardFeed(interval: feedInterval, status: status)
    }

    /// Whether a path is the dashboard's (everything but the JSON API and `/metrics`).
    static func handles(_ path: String) -> Bool {
        !(path == "/v1" || path.hasPrefix("/v1/") || path == "/metrics")
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/sign-in") { request, _ in
            if await sessions.session(DashboardHTTP.sessionID(request)) != nil { return DashboardHTTP.redirect("/") }
            return signInPage(error: nil, status: .ok)
        }
        router.post("/sign-in") { request, context in
            let fields = try await DashboardHTTP.form(request)
            guard let expected = DashboardHTTP.cookie(DashboardHTTP.signInCookieName, of: request), !expected.isEmpty,
                  fields["csrf"] == expected else {
                return signInPage(error: "The sign-in form had expired or did not come from this dashboard: sign in again.",
                                  status: .forbidden)
            }
            let token = fields["token"] ?? ""
            let caller: Caller
            do {
                // Refused tokens are audited by `authenticate`, as on the API.
                caller = try await access.authenticate(authorization: "Bearer \(token)", address: context.remoteAddress,
                                                       route: "POST /sign-in")
            } catch {
                return signInPage(error: "That token is not valid: unknown or revoked.", status: .unauthorized)
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
                // As the API: past the rollback window only an admin decides.
                if endpoint == .rollback, DashboardActions.overrides(fields), !caller.may(.admin) {
                    try await access.refuse(caller, "override (a rollback past its window)", needs: .admin)
                }
                let done = try await actions.perform(name, fields, caller: caller)
                return DashboardHTTP.redirect("/?notice=" + DashboardHTTP.escape(done))
            } catch let error as SlipwayError {
                if error.code == .forbidden {
                    return DashboardHTTP.refused(.forbidden, "refused: \(error.message)")
                }
                return DashboardHTTP.redirect("/?error=" + DashboardHTTP.escape(error.message))
            }
        }
        router.get("/events") { request, _ in
            guard await sessions.session(DashboardHTTP.sessionID(request)) != nil else {
                return DashboardHTTP.refused(.unauthorized, "sign in first")
            }
            return feed(sessionID: DashboardHTTP.sessionID(request))
        }
        router.get("/deployments/:id") { request, context in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            if let refused = await refusal(session, .deployment) { return refused }
            let id = try context.parameters.require("id")
            // A snapshot: the page's own live feed follows it (a follower here would be kept until the end).
            if let running = records.snapshot(id) {
                return DashboardHTTP.page(pages.deployment(running.record, log: Self.text(running.lines), live: true, session: session))
            }
            guard let record = try await records.deployment(id: id) else {
                return DashboardHTTP.page(pages.problem("No such deployment", "There is no deployment \(id).", session: session),
                                          status: .notFound)
            }
            return DashboardHTTP.page(pages.deployment(record, log: try await records.log(deployment: id),
                                                       live: !record.outcome.isFinal, session: session))
        }
        router.get("/deployments/:id/events") { request, context in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else {
                return DashboardHTTP.refused(.unauthorized, "sign in first")
            }
            if let refused = await refusal(session, .deployment) { return refused }
            return deploymentFeed(id: try context.parameters.require("id"), sessionID: session.id)
        }
        router.get("/history") { request, _ in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            if let refused = await refusal(session, .history) { return refused }
            let query = HistoryView.Query(DashboardHTTP.query(request))
            let found = query.error == nil ? try await records.deployments(matching: query.filter) : []
            let (environments, services) = Self.names(try await status())
            return DashboardHTTP.page(pages.history(HistoryView(query: query, records: found, environments: environments, services: services),
                                                    session: session), status: query.error == nil ? .ok : .badRequest)
        }
        router.get("/audit") { request, _ in
            guard let session = await sessions.session(DashboardHTTP.sessionID(request)) else { return DashboardHTTP.redirect("/sign-in") }
            if let refused = await refusal(session, .audit) { return refused }
            let query = AuditView.Query(DashboardHTTP.query(request))
            let entries = try await records.audit(matching: query.filter)
            let (environments, _) = Self.names(try await status())
            return DashboardHTTP.page(pages.audit(AuditView(query: query, entries: entries, environments: environments), session: session))
        }
        router.get("/assets/dashboard.css") { _, _ in asset(DashboardPages.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in asset(DashboardPages.javaScript, type: "text/javascript; charset=utf-8") }
    }

    /// The overview's fragment each time it changes, as `event: overview`; `event: signed-out` once
    /// the session has ended.
    private func feed(sessionID: String?) -> Response {
        DashboardHTTP.eventStream { send in
            var last = ""
            var rendered: StatusResponse?
            for await reading in await feed.listen() {
                guard let session = await sessions.session(sessionID) else { return send("signed-out", "") }
                // Rendering is the cost of a page left open: only a status that changed is rendered.
                guard let status = reading, status != rendered else { continue }
                rendered = status
                let fragment = pages.overviewFragment(status, session: session, at: now())
                // The timestamp alone changing is not news.
                let content = fragment.replacingOccurrences(of: #"Updated [^;]*;"#, with: "", options: .regularExpression)
                if content != last {
                    last = content
                    send("overview", fragment)
                }
            }
        }
    }

    /// A deployment as it goes: `record` (its `<div id="record">`) at each change, each `line` of
    /// its log, `log-reset` with the whole log so far (first, and when re-read from the store), and
    /// `finished` with the final record, after which the stream ends. A deployment running in a
    /// recorder here is followed as it happens; any other (one a previous daemon left, or waiting
    /// for approval) is re-read from the store every `recordInterval` until it ends.
    private func deploymentFeed(id: String, sessionID: String) -> Response {
        DashboardHTTP.eventStream { send in
            if let followed = records.follow(id) {
                send("record", pages.deploymentFragment(followed.record))
                send("log-reset", Self.text(followed.lines))
                for await change in followed.changes {
                    guard await sessions.session(sessionID) != nil else { return send("signed-out", "") }
                    switch change {
                    case .record(let record): send("record", pages.deploymentFragment(record))
                    case .line(let line): send("line", line)
                    case .finished(let record): send("finished", pages.deploymentFragment(record))
                    }
                }
                return
            }
            var shown: Deployment?
            var logged: String?
            while !Task.isCancelled {
                guard await sessions.session(sessionID) != nil else { return send("signed-out", "") }
                guard let record = try? await records.deployment(id: id) else { return }
                if record != shown {
                    send(record.outcome.isFinal ? "finished" : "record", pages.deploymentFragment(record))
                    shown = record
                }
                if let log = try? await records.log(deployment: id), log != logged {
                    send("log-reset", log)
                    logged = log
                }
                if record.outcome.isFinal { return }
                try? await Task.sleep(for: recordInterval)
            }
        }
    }

    /// The sign-in page with a fresh CSRF token, in its form and in the sign-in cookie.
    private func signInPage(error: String?, status: HTTPResponse.Status) -> Response {
        let csrf = BearerToken.randomHex(bytes: 16)
        return DashboardHTTP.page(pages.signIn(error: error, csrf: csrf), status: status,
                                  cookie: DashboardHTTP.signInCookie(csrf, secure: secure))
    }

    /// The page that says `session`'s role may not see what `endpoint` shows (audited as the
    /// API's refusals are); nil when it may.
    private func refusal(_ session: DashboardSessions.Session, _ endpoint: APIEndpoint) async -> Response? {
        do {
            _ = try await access.authorize(session.caller, for: endpoint)
            return nil
        } catch {
            let message = (error as? SlipwayError)?.message ?? "refused"
            return DashboardHTTP.page(pages.problem("Not allowed", message, session: session), status: .forbidden)
        }
    }

    /// Log lines as the page's `<pre>` holds them.
    private static func text(_ lines: [String]) -> String {
        lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// The environments and the services (each named once) the status lists, for the filters.
    private static func names(_ status: StatusResponse) -> (environments: [String], services: [String]) {
        let environments = status.environments?.map(\.name) ?? []
        var services: [String] = []
        for service in status.services where !services.contains(service.name) { services.append(service.name) }
        return (environments, services)
    }

    private func asset(_ text: String, type: String) -> Response {
        var headers = DashboardHTTP.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
