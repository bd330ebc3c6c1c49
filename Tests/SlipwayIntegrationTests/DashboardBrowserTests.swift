import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The dashboard in a real browser: headless Chromium driven by Selenium (`Support/dashboard_browser.py`,
/// Debian's `chromium`, `chromium-driver` and `python3-selenium`) against a real daemon with two
/// environments. The script signs in as an approver, a deployer and a viewer and does what each
/// may; it writes `screenshots/overview.png` and `screenshots/deployment.png` at the repository's
/// root (linked from the README).
@Suite(.serialized) struct DashboardBrowserTests {
    static let python = "/usr/bin/python3"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/dashboard_browser.py").path
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("screenshots").path

    /// Whether the browser can run here; under CI its absence is a failure, not a skip.
    static var browserInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium")
    }

    static var runs: Bool { browserInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    /// Production waits for one approval; staging rolls the web service out as a canary that waits
    /// for a person at its first step. A build of two seconds leaves time to watch a deployment run.
    static let config = TestRepository.config(build: "sleep 2") + """

        api:
          listen: 127.0.0.1:0
        environments:
          staging:
            proxy: { listen: 127.0.0.1:0 }
            services:
              web:
                strategy: canary
                canary: { steps: [50, 100], interval: 1s, pause: manual }
          production:
            proxy: { listen: 127.0.0.1:0 }
            approvals: 1
        """

    @Test(.enabled(if: runs, "Chromium, chromedriver or Selenium is not installed (scripts/test.sh installs them)"),
          .timeLimit(.minutes(5)))
    func signInApproveWatchAbortRollBackAndAViewerRefused() async throws {
        #expect(Self.browserInstalled, "chromium, chromium-driver and python3-selenium must be installed (scripts/setup.sh)")
        let repository = try TestRepository(config: Self.config)
        defer { repository.remove() }
        try repository.release("v1.0.0")
        try repository.release("v2.0.0")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let api = try await daemon.tcpAPI()
        let admin = CLI(repository: repository)
        var tokens: [String: String] = [:]
        for (name, role) in [("alice", Role.deployer), ("bob", .approver), ("vic", .viewer)] {
            tokens[name] = try await admin.json(TokenCreated.self, "token", "create", name, "--role", role.rawValue).value
        }
        // Before the browser: staging and production run v1.0.0 (production's approved by bob).
        let alice = remoteCLI(repository, api: api, token: tokens["alice"])
        let bob = remoteCLI(repository, api: api, token: tokens["bob"])
        let staging = try await alice.run("deploy", "web", "--env", "staging", "--ref", "v1.0.0")
        #expect(staging.status == 0, "\(staging.stdout)\(staging.stderr)")
        let waiting = try await alice.json(Deployment.self, "deploy", "web", "--env", "production", "--ref", "v1.0.0")
        #expect(try await bob.run("approve", waiting.id).status == 0)
        #expect(try await eventually(timeout: .seconds(30)) {
            (try? await admin.json(Deployment.self, "show", waiting.id))?.outcome == .succeeded
        })

        let environment = [
            "DASHBOARD_URL": api, "DASHBOARD_TOKENS": String(decoding: try JSONEncoder().encode(tokens), as: UTF8.self),
            "SLIPWAY_BINARY": Binaries.slipway, "SLIPWAY_CONFIG": repository.configFile, "SLIPWAY_REPOSITORY": repository.root,
            "SCREENSHOTS": Self.screenshots,
        ]
        let browser = try await runProgram(Self.python, [Self.script], in: repository.root, environment: environment,
                                           limit: .seconds(240))
        #expect(browser.status == 0, "\(browser.stdout)\n\(browser.stderr)\n--- daemon:\n\(daemon.output.contents.suffix(3000))")
        #expect(browser.stdout.contains("all dashboard checks passed"))
        for name in ["overview.png", "deployment.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: Self.screenshots + "/" + name)[.size] as? Int) ?? 0
            #expect(size > 10_000, "the screenshot \(name) was written")
        }
    }
}
