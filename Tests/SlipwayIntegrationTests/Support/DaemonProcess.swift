import Foundation
import SlipwayTestSupport
import Testing
import Synchronization

/// `slipway serve` as a real child process of the test, with its announced proxy address.
final class DaemonProcess: Sendable {
    let process: ChildProgram
    let proxy: String
    let output: OutputLog

    private init(process: ChildProgram, proxy: String, output: OutputLog) {
        self.process = process
        self.proxy = proxy
        self.output = output
    }

    /// Starts the daemon and waits for its "proxy on http://…" line. `executable`: another copy of
    /// the binary (an upgrade), by default the one built; `environment` is added to the test's own.
    static func start(_ repository: TestRepository, executable: String = Binaries.slipway,
                      environment: [String: String] = [:], logLevel: String = "warning") async throws -> DaemonProcess {
        let process = try ChildProgram(executable, ["serve", "--config", repository.configFile, "--log-level", logLevel],
                                       in: repository.root, environment: environment, stderr: .stdout)
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let output = OutputLog()
        // Read for the daemon's whole life on a thread of its own, so it never blocks on a full pipe.
        if let pipe = process.stdout {
            Thread {
                while true {
                    let data = pipe.availableData
                    if data.isEmpty { break }
                    let text = String(decoding: data, as: UTF8.self)
                    output.append(text)
                    continuation.yield(text)
                }
                continuation.finish()
            }.start()
        }
        let proxy = try? await within(.seconds(60)) { () async -> String? in
            var seen = ""
            for await chunk in lines {
                seen += chunk
                if let range = seen.range(of: "proxy on http://") {
                    let rest = seen[range.upperBound...]
                    if let end = rest.firstIndex(where: { $0 == "," || $0 == "\n" }) { return String(rest[..<end]) }
                }
            }
            return nil
        }
        guard let proxy = proxy ?? nil else {
            process.signal(SIGKILL)
            _ = process.waitForExit()
            throw TestFailure("the daemon was not ready within 60 s (or exited first):\n\(output.contents)")
        }
        return DaemonProcess(process: process, proxy: proxy, output: output)
    }

    var url: String { "http://\(proxy)" }

    func kill9() {
        process.signal(SIGKILL)
        _ = process.waitForExit()
    }

    /// SIGTERM, and the exit awaited. A daemon still running 30 s later is a failure of the test (a
    /// daemon must stop when asked): it is killed, and the issue shows what it printed.
    func terminate(sourceLocation: SourceLocation = #_sourceLocation) {
        guard process.isRunning else { return }
        process.signal(SIGTERM)
        if process.waitForExit(timeout: .seconds(30)) { return }
        process.signal(SIGKILL)
        _ = process.waitForExit()
        Issue.record("the daemon did not stop within 30 s of SIGTERM; killed. It printed:\n\(output.contents.suffix(4000))",
                     sourceLocation: sourceLocation)
    }
}

/// Everything a daemon printed, for failure messages.
final class OutputLog: Sendable {
    private let text = Mutex("")

    func append(_ chunk: String) { text.withLock { $0 += chunk } }
    var contents: String { text.withLock { $0 } }
}

/// A repository with v1 committed and a daemon running over it, both gone when `body` ends: what
/// most daemon tests start from.
func withDaemonOverV1<T>(_ body: (TestRepository, DaemonProcess) async throws -> T) async throws -> T {
    let repository = try TestRepository(config: TestRepository.config())
    defer { repository.remove() }
    try repository.release("v1")
    let daemon = try await DaemonProcess.start(repository)
    defer { daemon.terminate() }
    return try await body(repository, daemon)
}

/// A repository with v1 committed and deployed by a running daemon; the repository is removed when
/// `body` ends, and the daemon stopped unless `body` killed it: what the tests of a daemon's death start from.
func withV1Deployed<T>(_ body: (TestRepository, CLI, DaemonProcess) async throws -> T) async throws -> T {
    let repository = try TestRepository(config: TestRepository.config())
    defer { repository.remove() }
    try repository.release("v1")
    let cli = CLI(repository: repository)
    let daemon = try await DaemonProcess.start(repository)
    defer { daemon.terminate() }
    let deployed = try await cli.run("deploy", "web", "--ref", "v1")
    try #require(deployed.status == 0, "\(deployed.stdout)\(deployed.stderr)")
    return try await body(repository, cli, daemon)
}
