import Foundation
import SlipwayTestSupport

/// A real git repository in a temporary directory whose commits hold the example service's
/// `VERSION` and `HEALTH` files, with `slipway.yml` at its root.
struct TestRepository {
    let root: String

    init(config: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-it-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try git("init", "--quiet", "--initial-branch=main")
        try write("slipway.yml", config)
    }

    var configFile: String { root + "/slipway.yml" }

    /// The usual service block: the example binary behind `/`, fast health checks.
    static func config(watch: String = "0s", build: String? = nil, drain: String = "10s", startTimeout: String = "5s") -> String {
        """
        proxy:
          listen: 127.0.0.1:0
        services:
          web:
            run: '\(Binaries.example)'
        \(build.map { "    build: \($0)\n" } ?? "")    health:
              path: /health
              interval: 50ms
              timeout: 1s
              healthy_threshold: 2
              unhealthy_threshold: 2
              start_timeout: \(startTimeout)
              expect:
                status: 200
                json: { status: healthy }
            drain_timeout: \(drain)
            stop_timeout: 5s
            watch: \(watch)
            retain: 3
        """
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
    }

    /// Commits a release of the example service and tags it. `errors` (`20%`) and `latency`
    /// (`50ms`) make its `/` answers fail or slow (the example's `ERRORS` and `LATENCY` files).
    func release(_ version: String, health: String = "ok", errors: String? = nil, latency: String? = nil,
                 startup: String? = nil) throws {
        try write("VERSION", version + "\n")
        try write("HEALTH", health + "\n")
        for (name, value) in [("ERRORS", errors), ("LATENCY", latency), ("STARTUP", startup)] {
            if let value { try write(name, value + "\n") } else { try? FileManager.default.removeItem(atPath: root + "/" + name) }
        }
        try git("add", "-A")
        try git("commit", "--quiet", "-m", "release \(version)")
        try git("tag", version)
    }

    func git(_ arguments: String...) throws {
        let process = try ChildProgram("git", ["-c", "user.name=Test", "-c", "user.email=test@slipway.invalid",
                                               "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments,
                                       in: root, stdout: .discard, stderr: .discard)
        if process.waitForExit() != 0 { throw TestFailure("git \(arguments) failed") }
    }

    /// Removes the repository, and kills the proxy process a daemon killed by the test left serving it.
    func remove() {
        killLeftProxy()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The proxy process `.slipway/proxy.json` names, if it still runs over this repository.
    var proxyPID: Int32? { proxyPID(file: "proxy.json") }

    /// The proxy process of an environment (`.slipway/proxy-NAME.json`).
    func proxyPID(environment: String) -> Int32? { proxyPID(file: "proxy-\(environment).json") }

    private func proxyPID(file: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: root + "/.slipway/" + file),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let pid = (object["pid"] as? NSNumber)?.int32Value,
              let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
              String(decoding: commandLine, as: UTF8.self).contains(root + "/.slipway") else { return nil }
        return pid
    }

    /// Every environment's proxy process a killed daemon left serving.
    private func killLeftProxy() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/.slipway")) ?? []
        for file in files where file.hasPrefix("proxy") && file.hasSuffix(".json") {
            if let pid = proxyPID(file: file) { kill(pid, SIGKILL) }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
