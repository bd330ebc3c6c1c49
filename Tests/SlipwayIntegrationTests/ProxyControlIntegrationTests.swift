import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// `slipway proxy pause|resume|maintenance|live` through the real daemon and its proxy process.
@Suite(.serialized) struct ProxyControlIntegrationTests {
    @Test(.timeLimit(.minutes(3)))
    func pauseHoldsARequestUntilResumeAndMaintenanceAnswersUntilLive() async throws {
        try await withV1Deployed { _, cli, daemon in
            let pause = try await cli.run("proxy", "pause", "web", "--hold", "30s")
            #expect(pause.status == 0, "\(pause.stdout)\(pause.stderr)")
            #expect(pause.stdout.contains("paused"))
            // When the answer arrived, taken inside the request's task: it must come after the resume.
            async let held = { () async throws -> (answer: LoopbackHTTP.Response, at: ContinuousClock.Instant) in
                let answer = try await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(30))
                return (answer, ContinuousClock.now)
            }()
            let status = try await cli.json(StatusResponse.self, "status")
            #expect(status.services.first?.traffic == TrafficControl(pausedHoldMilliseconds: 30_000))
            let human = try await cli.run("status")
            #expect(human.stdout.contains("PAUSED: web"), "\(human.stdout)")
            let table = try await cli.run("proxy", "status")
            #expect(table.stdout.contains("paused (hold 30s)"), "\(table.stdout)")
            // The request is on its way in the meantime. The proxy reports no held requests to the
            // daemon, so this interval is what is measured: an answer before the resume is a failure.
            try await Task.sleep(for: .milliseconds(700))
            let resumed = ContinuousClock.now
            #expect(try await cli.run("proxy", "resume", "web").status == 0)
            let (answer, arrived) = try await held
            #expect(answer.status == 200 && answer.body == "hello from v1\n")
            #expect(arrived >= resumed)

            let maintenance = try await cli.run("proxy", "maintenance", "web", "--message", "Back at <14:00>")
            #expect(maintenance.status == 0, "\(maintenance.stderr)")
            let page = try await LoopbackHTTP.get(daemon.url + "/")
            #expect(page.status == 503 && page.body == "Back at <14:00>\n")
            #expect(try await cli.run("status").stdout.contains("MAINTENANCE: web"))
            #expect(try await cli.run("proxy", "live", "web").status == 0)
            #expect(try await LoopbackHTTP.get(daemon.url + "/").status == 200)
            #expect(try await cli.json(StatusResponse.self, "status").services.first?.traffic == nil)

            let audit = try await cli.json([AuditEntry].self, "audit")
            for action in [AuditAction.proxyPaused, .proxyResumed, .proxyMaintenance, .proxyLive] {
                #expect(audit.contains { $0.action == action && $0.actor == currentUserName && $0.service == "web" }, "\(action)")
            }
            #expect(audit.contains { $0.action == .proxyMaintenance && $0.detail.contains("Back at <14:00>") })
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func maintenanceAndPauseSurviveAKilledProxyProcess() async throws {
        try await withV1Deployed { repository, cli, daemon in
            #expect(try await cli.run("proxy", "maintenance", "web", "--message", "upgrading").status == 0)
            #expect(try await cli.run("proxy", "pause", "web", "--hold", "2s").status == 0)
            let proxy = try #require(repository.proxyPID)
            // Let the proxy persist its table (written just after it answers).
            #expect(await eventually {
                ((try? String(contentsOfFile: repository.root + "/.slipway/proxy.json", encoding: .utf8)) ?? "").contains("upgrading")
            })
            kill(proxy, SIGKILL)
            #expect(await eventually(timeout: .seconds(20)) {
                guard let restarted = repository.proxyPID, restarted != proxy else { return false }
                return (try? await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(1)).body) == "upgrading\n"
            })
            let status = try await cli.json(StatusResponse.self, "status")
            #expect(status.services.first?.traffic == TrafficControl(pausedHoldMilliseconds: 2000, maintenance: "upgrading"))
            // Out of maintenance, still paused: a request waits its hold, then 503.
            #expect(try await cli.run("proxy", "live", "web").status == 0)
            let started = ContinuousClock.now
            let held = try await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(10))
            #expect(held.status == 503 && ContinuousClock.now - started >= .milliseconds(1900))
            #expect(try await cli.run("proxy", "resume", "web").status == 0)
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        }
    }

    /// With environments, the control is one environment's: production's maintenance leaves
    /// staging served.
    @Test(.timeLimit(.minutes(3)))
    func maintenanceOfOneEnvironmentLeavesTheOtherServed() async throws {
        let repository = try TestRepository(config: EnvironmentIntegrationTests.config())
        defer { repository.remove() }
        try repository.release("v1.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0").status == 0)
        #expect(try await cli.run("deploy", "web", "--env", "production", "--ref", "v1.0.0").status == 0)
        let proxies = Dictionary(uniqueKeysWithValues: (try await cli.status().environments ?? []).map { ($0.name, "http://\($0.proxy)") })
        let ambiguous = try await cli.run("proxy", "maintenance", "web", "--message", "later")
        #expect(ambiguous.status != 0, "\(ambiguous.stdout)")
        let maintenance = try await cli.run("proxy", "maintenance", "web", "--env", "production", "--message", "later")
        #expect(maintenance.status == 0 && maintenance.stdout.contains("(production)"), "\(maintenance.stdout)\(maintenance.stderr)")
        #expect(try await LoopbackHTTP.get(try #require(proxies["production"]) + "/").status == 503)
        #expect(try await LoopbackHTTP.get(try #require(proxies["staging"]) + "/").body == "hello from v1.0.0\n")
        let services = try await cli.status().services
        #expect(services.first { $0.environment == "production" }?.traffic?.maintenance == "later")
        #expect(services.first { $0.environment == "staging" }?.traffic == nil)
        let audit = try await cli.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .proxyMaintenance && $0.environment == "production" })
    }

    @Test func maintenanceWithoutAMessageIsRefused() async throws {
        try await withV1Deployed { _, cli, _ in
            let refused = try await cli.run("proxy", "maintenance", "web", "--message", " ")
            #expect(refused.status != 0)
            let unknown = try await cli.run("proxy", "pause", "nope")
            #expect(unknown.status != 0 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
        }
    }
}
