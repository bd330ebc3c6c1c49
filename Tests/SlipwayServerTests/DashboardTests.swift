import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayModel
import Testing
@testable import SlipwayServer

/// The dashboard over real HTTP: a token exchanged for a session cookie, pages that only a session
/// opens, CSRF on every form, headers that forbid framing and foreign scripts, the live feed.
@Suite struct DashboardTests {
    static let status: StatusResponse = {
        let release = Release(id: "20261207-abc", service: "web", ref: "v2", commit: "abcdef0123456789", version: "v2",
                              directory: "/r", createdAt: Date(timeIntervalSince1970: 1_000_000), buildSeconds: 1)
        var web = ServiceStatus(name: "web", route: "*/", activeRelease: release, health: .healthy, upstreams: ["127.0.0.1:4001"],
                                pid: 12, restarts: 0, deploying: nil, retainedReleases: [release.id])
        web.replicas = [ReplicaStatus(slot: 1, pid: 12, port: 4001, health: .healthy, inPool: true),
                        ReplicaStatus(slot: 2, pid: 13, port: 4002, health: .unhealthy, inPool: false)]
        let api = ServiceStatus(name: "api<script>", route: "api.example/", activeRelease: nil, health: .down, upstreams: [],
                                pid: nil, restarts: 0, deploying: nil, retainedReleases: [])
        return StatusResponse(proxy: "127.0.0.1:8080", services: [web, api],
                              freezes: [Freeze(environment: "default", actor: "carol", reason: "launch day", at: Date(timeIntervalSince1970: 1_000_000))])
    }()

    /// A TCP API router with the dashboard, as the daemon builds it; and a viewer's token.
    static func app(secure: Bool = false, feed: Duration = .milliseconds(20), sessions: DashboardSessions = DashboardSessions(),
                    records: any DashboardRecords = FixedRecords())
        async throws -> (some ApplicationProtocol, String, APIAccessTests.AuditLog) {
        let (access, _, audit) = APIAccessTests.access()
        let token = try await access.create(TokenCreateRequest(name: "dana", role: .viewer), by: APIAccessTests.admin).value
        let dashboard = DashboardRoutes(access: access, sessions: sessions, actions: nil, pages: try DashboardPages(),
                                        status: { Self.status }, records: records, secure: secure, feedInterval: feed,
                                        now: { Date(timeIntervalSince1970: 2_000_000) })
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware(redactor: Redactor()))
        router.add(middleware: BearerAuthentication(access: access, dashboard: true))
        router.get("/v1/status") { _, _ in "ok" }
        dashboard.register(on: router)
        return (Application(responder: router.buildResponder()), token, audit)
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// What a browser posts to sign in: it first opens the sign-in page, whose form and cookie
    /// carry the same CSRF token.
    static func signInPost(_ client: some TestClientProtocol, token: String) async throws -> (headers: HTTPFields, body: ByteBuffer) {
        let (cookie, csrf) = try await client.execute(uri: "/sign-in", method: .get) { response in
            let page = String(buffer: response.body)
            let csrf = page.range(of: #"name="csrf" value="[0-9a-f]{32}""#, options: .regularExpression)
                .map { String(page[$0].dropFirst(#"name="csrf" value=""#.count).dropLast()) }
            return (try #require(Self.cookie(response)), try #require(csrf))
        }
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        return (form.merging([.cookie: cookie]), ByteBuffer(string: "csrf=\(csrf)&token=\(encoded)"))
    }

    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie]?.split(separator: ";").first.map(String.init)
    }

    @Test func aWrongTokenGetsTheSamePageWithAnErrorAndIsAudited() async throws {
        let (app, _, audit) = try await Self.app()
        try await app.test(.live) { client in
            let (headers, body) = try await Self.signInPost(client, token: "slw_nope")
            try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie]?.hasPrefix(DashboardHTTP.cookieName + "=") != true, "no session")
                #expect(String(buffer: response.body).contains("That token is not valid"))
            }
        }
        #expect(audit.all.contains { $0.action == .apiUnauthenticated && $0.detail.contains("POST /sign-in") })
        #expect(!audit.all.contains { $0.detail.contains("slw_nope") }, "what was presented is never recorded")
    }

    @Test func aTokenOpensASessionThePagesNeedAndSignOutEndsIt() async throws {
        let (app, token, audit) = try await Self.app()
        try await app.test(.live) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/sign-in")
            }
            let (headers, body) = try await Self.signInPost(client, token: token)
            let cookie = try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let set = response.headers[.setCookie] ?? ""
                #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Max-Age=43200"))
                #expect(!set.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
                #expect(!set.contains(token))
                return try #require(Self.cookie(response))
            }
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"))
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                return String(buffer: response.body)
            }
            #expect(page.contains("dana") && page.contains("viewer"))
            #expect(page.contains(#"<a href="/history?service=web">web</a>"#) && page.contains("v2") && page.contains("abcdef0123"))
            #expect(page.contains("✔</span> healthy") && page.contains("✖</span> replica 2: unhealthy (out of the pool)"))
            #expect(page.contains("default is frozen") && page.contains("launch day"))
            #expect(page.contains("api&lt;script&gt;") && !page.contains("api<script>"), "every value is escaped")
            // No inline script: every <script> has a src.
            #expect(page.components(separatedBy: "<script").dropFirst().allSatisfy { $0.hasPrefix(" src=") })
            let csrf = try #require(page.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression)
                .map { String(page[$0].dropFirst(#"name="csrf" value=""#.count).dropLast()) })

            try await client.execute(uri: "/sign-out", method: .post, headers: Self.form.merging([.cookie: cookie]),
                                     body: ByteBuffer(string: "csrf=0")) { response in
                #expect(response.status == .forbidden, "a form without the session's CSRF token is refused")
            }
            try await client.execute(uri: "/sign-out", method: .post, headers: Self.form.merging([.cookie: cookie]),
                                     body: ByteBuffer(string: "csrf=\(csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther, "the session is gone")
            }
            // The JSON API still wants its bearer token.
            try await client.execute(uri: "/v1/status", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .unauthorized)
            }
        }
        #expect(audit.all.contains { $0.action == .dashboardSignedIn && $0.actor == "dana" })
        #expect(audit.all.contains { $0.action == .dashboardSignedOut && $0.actor == "dana" })
    }

    @Test func aSignInPostedWithoutTheFormsCSRFTokenIsRefused() async throws {
        let (app, token, _) = try await Self.app()
        try await app.test(.live) { client in
            // Another site's page posting a valid token: no sign-in cookie, or one that does not match.
            for headers in [Self.form, Self.form.merging([.cookie: "\(DashboardHTTP.signInCookieName)=abc"])] {
                try await client.execute(uri: "/sign-in", method: .post, headers: headers,
                                         body: ByteBuffer(string: "csrf=abd&token=\(token)")) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.setCookie]?.hasPrefix(DashboardHTTP.cookieName) != true, "no session")
                    #expect(String(buffer: response.body).contains("sign in again"))
                }
            }
        }
    }

    @Test func overTLSTheCookieIsSecure() async throws {
        let (app, token, _) = try await Self.app(secure: true)
        try await app.test(.live) { client in
            let (headers, body) = try await Self.signInPost(client, token: token)
            try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: body) { response in
                #expect(response.headers[.setCookie]?.hasSuffix("; Secure") == true)
            }
        }
    }

    @Test func theLiveFeedSendsTheOverviewAndEndsWhenTheSessionDoes() async throws {
        // A session of a second: the feed ends by itself when it expires (the test client has one
        // connection, so nothing else could be sent while the feed streams).
        let (app, token, _) = try await Self.app(sessions: DashboardSessions(lifetime: 1))
        try await app.test(.live) { client in
            try await client.execute(uri: "/events", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            let (headers, body) = try await Self.signInPost(client, token: token)
            let cookie = try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: body) { try #require(Self.cookie($0)) }
            let (type, events) = try await client.execute(uri: "/events", method: .get, headers: [.cookie: cookie]) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            #expect(type == "text/event-stream; charset=utf-8")
            #expect(events.hasPrefix("event: overview\ndata: <div id=\"overview\""))
            #expect(events.components(separatedBy: "event: overview").count == 2, "an unchanged overview is sent once")
            #expect(events.hasSuffix("event: signed-out\ndata: \n\n"))
        }
    }
}

extension DashboardTests {
    /// However many pages follow the overview live, the status is read once per interval, and not
    /// at all once nobody listens.
    @Test func everyLivePageSharesOneStatusReading() async throws {
        let reads = APIAccessTests.AuditLog()
        let feed = DashboardFeed(interval: .milliseconds(20)) {
            reads.append(AuditEntry(at: Date(), actor: "", action: .apiForbidden, detail: ""))
            return Self.status
        }
        var streams: [AsyncStream<StatusResponse?>] = []
        for _ in 0..<5 { streams.append(await feed.listen()) }
        var iterators = streams.map { $0.makeAsyncIterator() }
        for round in 0..<5 {
            for index in iterators.indices { #expect(await iterators[index].next() != nil, "page \(index), round \(round)") }
        }
        let count = reads.all.count
        #expect(count >= 5 && count <= 8, "\(count) readings for 5 pages over 5 rounds: shared, not one per page")
        iterators.removeAll()
        streams.removeAll()
        // Time is the event here: the drop reaches the feed from the stream's termination handler, and
        // "no reading any more" can only be seen as several intervals passing without one.
        try await Task.sleep(for: .milliseconds(150))
        let after = reads.all.count
        try await Task.sleep(for: .milliseconds(150))
        #expect(reads.all.count == after, "nobody listens: no reading")
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged.append(field) }
        return merged
    }
}
