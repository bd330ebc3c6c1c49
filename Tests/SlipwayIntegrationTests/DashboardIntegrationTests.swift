import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The dashboard served by a real daemon on its TCP API listener, beside the JSON API.
@Suite(.serialized) struct DashboardIntegrationTests {
    @Test(.timeLimit(.minutes(2))) func theDaemonServesTheDashboardBesideTheAPI() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let deployed = try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0")
        #expect(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")
        let api = try await daemon.tcpAPI()
        let token = try await cli.json(TokenCreated.self, "token", "create", "erin", "--role", "viewer").value

        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        func send(_ path: String, method: HTTPMethod = .GET, cookie: String? = nil, form: String? = nil)
            async throws -> (status: UInt, headers: HTTPHeaders, body: String) {
            var request = HTTPClientRequest(url: api + path)
            request.method = method
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (response.status.code, response.headers, String(buffer: body))
        }
        do {
            let first = try await send("/")
            #expect(first.status == 303 && first.headers.first(name: "Location") == "/sign-in")
            #expect(try await send("/sign-in").body.contains("Sign in"))
            let signedIn = try await send("/sign-in", method: .POST, form: "token=\(token)")
            #expect(signedIn.status == 303)
            let cookie = try #require(signedIn.headers.first(name: "Set-Cookie")?.split(separator: ";").first.map(String.init))
            let page = try await send("/", cookie: cookie)
            #expect(page.status == 200)
            #expect(page.body.contains("staging") && page.body.contains("production") && page.body.contains("v1.0.0"), "\(page.body)")
            #expect(try await send("/assets/dashboard.js").body.contains("EventSource"))
            // The JSON API beside it still wants the bearer token, cookie or not.
            #expect(try await send("/v1/status", cookie: cookie).status == 401)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let audit = try await cli.run("audit", "--json")
        #expect(audit.stdout.contains("dashboard.signed_in"))
    }
}
