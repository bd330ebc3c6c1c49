import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// Issue 13: the proxy is a process of its own, so traffic does not stop when the controller does.
/// Each test keeps steady keep-alive load on the proxy and asserts that not one request failed.
@Suite(.serialized) struct ProxyProcessIntegrationTests {
    /// Runs `body` under steady load and returns what the load saw.
    func underLoad(_ url: String, _ body: (LoadGenerator) async throws -> Void) async throws -> LoadGenerator.Counts {
        let load = LoadGenerator(url: url, clients: 6)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await load.run() }
            #expect(await eventually { load.snapshot.served > 50 })
            try await body(load)
            let served = load.snapshot.served
            #expect(await eventually { load.snapshot.served > served + 50 })
            group.cancelAll()
        }
        await load.shutdown()
        return load.snapshot
    }

    /// Before: 224 of 1,332 requests refused while the daemon was down. Now the proxy serves on
    /// through a SIGKILL of the daemon, the next daemon adopts it (same process), and deploys work.
    @Test func killingTheDaemonDropsNoRequestAndTheNextOneAdoptsTheProxy() async throws {
        try await withV1Deployed { repository, cli, first in
            try repository.release("v2")
            let proxy = try #require(repository.proxyPID)
            var second: DaemonProcess?
            defer { second?.terminate() }

            let counts = try await underLoad(first.url + "/") { load in
                first.kill9()
                // The daemon is gone; the site is not.
                let served = load.snapshot.served
                #expect(await eventually { load.snapshot.served > served + 100 })
                second = try await DaemonProcess.start(repository)
                #expect(try await cli.run("deploy", "web", "--ref", "v2").status == 0)
            }
            #expect(counts.failed == 0, "failures: \(counts.failures)")
            #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
            #expect(second?.url == first.url)
            #expect(repository.proxyPID == proxy, "adopted, not restarted")
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyAdopted && $0.detail.contains("adopted the proxy process \(proxy)") })
        }
    }

    /// A proxy process that dies is started again by the daemon with the route table it persisted:
    /// the site answers again without a deploy, and the audit says what happened.
    @Test func aProxyThatDiesIsStartedAgainWithItsRoutes() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
            let proxy = try #require(repository.proxyPID)
            kill(proxy, SIGKILL)
            #expect(await eventually(timeout: .seconds(20)) {
                (try? await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(1)).body) == "hello from v1\n"
            }, "\(daemon.output.contents)\n\((try? String(contentsOfFile: repository.root + "/.slipway/logs/proxy.log", encoding: .utf8)) ?? "")")
            #expect(repository.proxyPID != nil && repository.proxyPID != proxy)
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyRestarted })
            // And it takes changes as before.
            try repository.release("v2")
            #expect(try await cli.run("deploy", "web", "--ref", "v2").status == 0)
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v2\n")
        }
    }

    /// The proxy writes its table just after answering a change; one that dies in between comes
    /// back without that change, and the daemon sends it again. Here its file is emptied (with the
    /// proxy stopped, so it cannot write it back) before it is killed.
    @Test func aRestartedProxyGetsWhatItMissedFromTheDaemon() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
            let proxy = try #require(repository.proxyPID)
            kill(proxy, SIGSTOP)
            let file = repository.root + "/.slipway/proxy.json"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let emptied = text.replacingOccurrences(of: #""routes":\[.*\]"#, with: #""routes":[]"#, options: .regularExpression)
            #expect(emptied != text)
            try emptied.write(toFile: file, atomically: true, encoding: .utf8)
            kill(proxy, SIGKILL)
            #expect(await eventually {
                (try? await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(1)).body) == "hello from v1\n"
            })
            let status = try await cli.run("proxy", "status")
            #expect(status.stdout.contains("web"), "\(status.stdout)")
        }
    }

    /// A proxy process that is alive but answers nothing (stopped here with SIGSTOP; a deadlock
    /// looks the same) is killed after two unanswered pings and started again.
    @Test(.timeLimit(.minutes(2))) func aHungProxyIsKilledAndStartedAgain() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
            let hung = try #require(repository.proxyPID)
            kill(hung, SIGSTOP)
            #expect(await eventually(timeout: .seconds(45)) {
                (try? await LoopbackHTTP.get(daemon.url + "/", timeout: .seconds(1)).body) == "hello from v1\n"
            })
            #expect(Self.hasExited(hung))
            #expect(repository.proxyPID != hung)
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyRestarted })
        }
    }

    /// `slipway proxy reload` starts a new proxy process and hands it the listening socket: under
    /// load, five reloads in a row refuse and fail nothing, and the daemon drives the new process.
    @Test func proxyReloadUnderLoadDropsNothing() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
            var pids: Set<Int32> = [try #require(repository.proxyPID)]
            let counts = try await underLoad(daemon.url + "/") { load in
                for _ in 0..<5 {
                    let reload = try await cli.run("proxy", "reload")
                    #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
                    #expect(reload.stdout.contains("with 1 route(s)"))
                    pids.insert(try #require(repository.proxyPID))
                    let served = load.snapshot.served
                    #expect(await eventually { load.snapshot.served > served + 20 })
                }
            }
            #expect(counts.failed == 0, "failures: \(counts.failures)")
            #expect(pids.count == 6, "each reload runs a new process")
            try repository.release("v2")
            #expect(try await cli.run("deploy", "web", "--ref", "v2").status == 0)
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v2\n")
            let status = try await cli.run("proxy", "status")
            #expect(status.stdout.contains("web"))
            #expect(status.stdout.contains("/"))
        }
    }

    /// An upgrade of Slipway: a daemon of another build (here the same code at another path, so
    /// another file) finds the proxy of the old one serving, and replaces it by a hand-off.
    @Test func aDaemonOfAnotherBuildReplacesTheProxyWithoutDroppingARequest() async throws {
        try await withV1Deployed { repository, cli, first in
            let old = try #require(repository.proxyPID)
            let directory = try TemporaryDirectory(prefix: "slipway-upgrade")
            let upgraded = directory.path("slipway")
            try FileManager.default.copyItem(atPath: Binaries.slipway, toPath: upgraded)
            var second: DaemonProcess?
            defer { second?.terminate() }

            let counts = try await underLoad(first.url + "/") { _ in
                first.kill9()
                second = try await DaemonProcess.start(repository, executable: upgraded)
            }
            #expect(counts.failed == 0, "failures: \(counts.failures)")
            let new = try #require(repository.proxyPID)
            #expect(new != old)
            #expect(await eventually { Self.hasExited(old) }, "the old proxy drained and exited")
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyAdopted && $0.detail.contains("another slipway build") })
        }
    }

    /// A daemon whose slipway.yml now sets another idle timeout replaces the proxy it finds by a
    /// hand-off (the new settings, the same socket); one that sets another address starts a proxy
    /// there and stops the old one.
    @Test func aDaemonWithOtherProxySettingsReplacesTheProxyItFinds() async throws {
        try await withV1Deployed { repository, cli, first in
            let old = try #require(repository.proxyPID)
            first.kill9()

            let port = first.url.split(separator: ":").last.map(String.init) ?? "0"
            try repository.write("slipway.yml", TestRepository.config().replacingOccurrences(
                of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)\n  idle_timeout: 30s"))
            let second = try await DaemonProcess.start(repository)
            #expect(second.url == first.url)
            #expect(try await LoopbackHTTP.get(second.url + "/").body == "hello from v1\n")
            #expect(repository.proxyPID != old)
            let status = try await cli.run("proxy", "status", "--json")
            #expect(status.stdout.contains("\"idleTimeoutMilliseconds\" : 30000"), "\(status.stdout)")
            var audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyAdopted && $0.detail.contains("configured idle timeout") })
            let reconfigured = try #require(repository.proxyPID)
            second.kill9()

            let elsewhere = try Self.freePort()
            try repository.write("slipway.yml", TestRepository.config().replacingOccurrences(
                of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(elsewhere)"))
            let moved = try await DaemonProcess.start(repository)
            defer { moved.terminate() }
            #expect(moved.url == "http://127.0.0.1:\(elsewhere)")
            #expect(try await LoopbackHTTP.get(moved.url + "/").body == "hello from v1\n")
            #expect(await eventually { Self.hasExited(reconfigured) }, "the proxy on the old address was stopped")
            audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .proxyAdopted && $0.detail.contains("the proxy moved to 127.0.0.1:\(elsewhere)") })
        }
    }

    /// An address another program holds: `serve` says so and exits, as it did when the proxy ran
    /// inside it, instead of pointing at a log.
    @Test func anAddressInUseIsReportedByServe() async throws {
        let repository = try TestRepository(config: TestRepository.config())
        defer { repository.remove() }
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(holder, $0, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, $0, &length) == 0
            }
        }
        try #require(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try repository.write("slipway.yml", TestRepository.config().replacingOccurrences(
            of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)"))
        let serve = try await runProgram(Binaries.slipway, ["serve", "--config", repository.configFile], in: repository.root)
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("could not listen on 127.0.0.1:\(port)"), "\(serve.stderr)")
        #expect(serve.stderr.contains("Address already in use"), "\(serve.stderr)")
    }

    /// A loopback port nothing listens on (bound, read, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Gone, or a zombie nobody reaps (its parent, the killed daemon, is gone too).
    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return true }
        let text = String(decoding: stat, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return true }
        let state = text[text.index(close, offsetBy: 2)]
        return state == "Z" || state == "X"
    }
}
