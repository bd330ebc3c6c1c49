import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport
import Synchronization
import Testing

/// The dashboard served by a real daemon on its TCP API listener, beside the JSON API.
@Suite(.serialized) struct DashboardIntegrationTests {
    /// A browser without JavaScript: one session cookie, forms posted as a browser posts them.
    final class Browser: Sendable {
        let base: String
        let client: HTTPClient
        let cookie = Mutex<String?>(nil)

        init(_ base: String) {
            self.base = base
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }

        func send(_ path: String, form: String? = nil) async throws -> (status: UInt, headers: HTTPHeaders, body: String) {
            var request = HTTPClientRequest(url: base + path)
            if let cookie = cookie.withLock({ $0 }) { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (response.status.code, response.headers, String(buffer: body))
        }

        /// Opens the sign-in page (its cookie and form carry one CSRF token), then posts its form.
        func signIn(_ token: String) async throws {
            let page = try await send("/sign-in")
            let signInCookie = page.headers.first(name: "Set-Cookie")?.split(separator: ";").first.map(String.init)
            let csrf = page.body.range(of: #"name="csrf" value="[0-9a-f]{32}""#, options: .regularExpression)
                .map { String(page.body[$0].dropFirst(#"name="csrf" value=""#.count).dropLast()) } ?? ""
            cookie.withLock { $0 = signInCookie }
            let answer = try await send("/sign-in", form: "csrf=\(csrf)&token=\(token)")
            let set = answer.headers.first(name: "Set-Cookie")?.split(separator: ";").first.map(String.init)
            cookie.withLock { $0 = set }
        }

        /// The overview page, and the CSRF token its forms carry.
        func overview() async throws -> (page: String, csrf: String) {
            let page = try await send("/").body
            let csrf = page.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression)
                .map { String(page[$0].dropFirst(#"name="csrf" value=""#.count).dropLast()) } ?? ""
            return (page, csrf)
        }

        func shutdown() async throws { try await client.shutdown() }
    }

    @Test(.timeLimit(.minutes(2))) func theDaemonServesTheDashboardBesideTheAPI() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let deployed = try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0")
        #expect(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")
        let browser = Browser(try await daemon.tcpAPI())
        do {
            let first = try await browser.send("/")
            #expect(first.status == 303 && first.headers.first(name: "Location") == "/sign-in")
            #expect(try await browser.send("/sign-in").body.contains("Sign in"))
            try await browser.signIn(try await cli.json(TokenCreated.self, "token", "create", "erin", "--role", "viewer").value)
            let (page, csrf) = try await browser.overview()
            #expect(page.contains("staging") && page.contains("production") && page.contains("v1.0.0"), "\(page)")
            #expect(!page.contains("Freeze") && !page.contains("Roll back"), "a viewer is shown no action")
            #expect(try await browser.send("/assets/dashboard.js").body.contains("EventSource"))
            // The JSON API beside it still wants the bearer token, cookie or not.
            #expect(try await browser.send("/v1/status").status == 401)
            // Posted all the same, an action is refused for the role, and audited.
            #expect(try await browser.send("/actions/freeze", form: "csrf=\(csrf)&environment=production&reason=x").status == 403)
        } catch {
            try await browser.shutdown()
            throw error
        }
        try await browser.shutdown()
        let audit = try await cli.run("audit", "--json")
        #expect(audit.stdout.contains("dashboard.signed_in"))
        #expect(audit.stdout.contains("api.forbidden") && audit.stdout.contains("erin"))
    }

    @Test(.timeLimit(.minutes(2))) func peopleFreezeAndRollBackFromTheDashboard() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0").status == 0)
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v2.0.0").status == 0)
        let browser = Browser(try await daemon.tcpAPI())
        do {
            try await browser.signIn(try await cli.json(TokenCreated.self, "token", "create", "bob", "--role", "approver").value)
            var (page, csrf) = try await browser.overview()
            #expect(page.contains("Freeze") && page.contains("Roll back"))

            let frozen = try await browser.send("/actions/freeze", form: "csrf=\(csrf)&environment=production&reason=launch+day")
            #expect(frozen.status == 303 && frozen.headers.first(name: "Location")?.contains("notice=production") == true)
            (page, csrf) = try await browser.overview()
            #expect(page.contains("production is frozen") && page.contains("launch day"), "\(page)")
            let refused = try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.0")
            #expect(refused.status == 6, "frozen by bob from the dashboard")
            #expect(try await browser.send("/actions/unfreeze", form: "csrf=\(csrf)&environment=production").status == 303)
            #expect(!(try await browser.overview().page.contains("production is frozen")))

            let rolledBack = try await browser.send("/actions/rollback", form: "csrf=\(csrf)&service=web&environment=staging&reason=dips")
            #expect(rolledBack.status == 303, "\(rolledBack.body)")
            #expect(await eventually {
                (try? await cli.status().services.first { $0.environment == "staging" }?.activeRelease?.version) == "v1.0.0"
            })
            let record = try #require(try await cli.json([Deployment].self, "history", "web", "--env", "staging").first)
            #expect(record.kind == .rollback && record.actor == "bob" && record.outcome == .succeeded)
            // A form without the session's token is refused.
            #expect(try await browser.send("/actions/unfreeze", form: "csrf=0&environment=production").status == 403)
        } catch {
            try await browser.shutdown()
            throw error
        }
        try await browser.shutdown()
        let audit = try await cli.json([AuditEntry].self, "audit", "--json")
        #expect(audit.contains { $0.action == .environmentFrozen && $0.actor == "bob" })
        #expect(audit.contains { $0.action == .environmentUnfrozen && $0.actor == "bob" })
    }

    /// A page left open holds a live stream; the daemon asked to stop ends it and exits all the same
    /// (`terminate` fails the test when the daemon is still running 30 s after SIGTERM).
    @Test(.timeLimit(.minutes(2))) func anOpenLivePageNeverHoldsTheDaemonUp() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        let cli = CLI(repository: repository)
        let browser = Browser(try await daemon.tcpAPI())
        try await browser.signIn(try await cli.json(TokenCreated.self, "token", "create", "erin", "--role", "viewer").value)
        var request = HTTPClientRequest(url: browser.base + "/events")
        request.headers.add(name: "Cookie", value: try #require(browser.cookie.withLock { $0 }))
        let response = try await browser.client.execute(request, timeout: .seconds(60))
        var chunks = response.body.makeAsyncIterator()
        let first = try #require(try await chunks.next())
        #expect(String(buffer: first).hasPrefix("event: overview"))
        daemon.terminate()
        // The stream ended with the daemon.
        var ended = false
        do {
            while try await chunks.next() != nil {}
            ended = true
        } catch {
            ended = true
        }
        #expect(ended)
        try await browser.shutdown()
    }

    /// A rollback past its window, as the API's `--override`: offered to an admin only, refused
    /// (403, audited) when a deployer's form asks for it anyway, and carried to the controller for an admin.
    @Test(.timeLimit(.minutes(2))) func onlyAnAdminMayRollBackPastTheWindow() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0").status == 0)
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v2.0.0").status == 0)
        let api = try await daemon.tcpAPI()
        let deployer = Browser(api)
        let admin = Browser(api)
        do {
            try await deployer.signIn(try await cli.json(TokenCreated.self, "token", "create", "dave", "--role", "deployer").value)
            let (page, csrf) = try await deployer.overview()
            #expect(page.contains("Roll back") && !page.contains("past its rollback window"))
            let refused = try await deployer.send("/actions/rollback", form: "csrf=\(csrf)&service=web&environment=staging&override=yes")
            #expect(refused.status == 403 && refused.body.contains("needs the role admin"), "\(refused.body)")

            try await admin.signIn(try await cli.json(TokenCreated.self, "token", "create", "ada", "--role", "admin").value)
            let (adminPage, adminCSRF) = try await admin.overview()
            #expect(adminPage.contains("past its rollback window"))
            let rolledBack = try await admin.send("/actions/rollback", form: "csrf=\(adminCSRF)&service=web&environment=staging&override=yes&reason=hotfix")
            #expect(rolledBack.status == 303, "\(rolledBack.body)")
            #expect(await eventually {
                (try? await cli.status().services.first { $0.environment == "staging" }?.activeRelease?.version) == "v1.0.0"
            })
            let record = try #require(try await cli.json([Deployment].self, "history", "web", "--env", "staging").first)
            #expect(record.kind == .rollback && record.actor == "ada")
        } catch {
            try await deployer.shutdown()
            try await admin.shutdown()
            throw error
        }
        try await deployer.shutdown()
        try await admin.shutdown()
        let audit = try await cli.json([AuditEntry].self, "audit", "--json")
        #expect(audit.contains { $0.action == .apiForbidden && $0.actor == "dave" && $0.detail.contains("override") })
    }
}
