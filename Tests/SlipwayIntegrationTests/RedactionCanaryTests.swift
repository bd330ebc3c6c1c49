import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Two canary secrets, one from `.slipway/secrets.env` and one from the daemon's environment, printed
/// by a build, a check, a smoke test and the service itself (split across two writes, at the end of
/// a line longer than 64 KiB, after a 70 KB line, without a trailing newline), through every failure
/// path: failed build, failed check, failed health, a release that dies as it starts, failed smoke
/// tests, a crash, a manual and an automatic rollback, and a daemon killed outright. Then every file
/// under `.slipway/` (but `secrets.env`, where one of them comes from), every API answer, every
/// notification and everything the daemon and the CLI printed is searched for them: none may hold
/// a canary, nor the piece of one that a cut inside it would leave.
@Suite(.serialized) struct RedactionCanaryTests {
    static let fileCanary = "CANARY-7k3q9x"
    static let environmentCanary = "CANARY-e4zd0w"
    /// A canary cut anywhere leaves its first 7 bytes or its last 6 whole on one side of the cut.
    static let needles = [fileCanary, environmentCanary, "CANARY-", "7k3q9x", "e4zd0w"]

    /// What every script prints, `$1` being what it is and `$2` the secret: the secret split across
    /// two writes a tenth of a second apart (`${2%??????}` is "CANARY-", `${2#???????}` the rest).
    static let printSplit = """
        split() { printf '%s split: %s' "$1" "${2%??????}"; sleep 0.1; printf '%s\\n' "${2#???????}"; }
        """

    static func config(receiverPort: String) -> String {
        """
        proxy:
          listen: 127.0.0.1:0
        services:
          web:
            run: sh service.sh
            build: sh build.sh
            env:
              API_TOKEN: "${API_TOKEN}"
              ENV_TOKEN: "${ENV_CANARY}"
              EXAMPLE: '\(Binaries.example)'
            checks:
              - { name: unit, run: sh check.sh }
            smoke:
              - run: sh smoke.sh
            health:
              path: /health
              interval: 50ms
              timeout: 1s
              healthy_threshold: 2
              unhealthy_threshold: 2
              start_timeout: 3s
              expect: { status: 200 }
            drain_timeout: 1s
            stop_timeout: 2s
            watch: 5s
            retain: 20
        notify:
          - webhook: { url: "http://127.0.0.1:\(receiverPort)/hook", secret: "${HOOK_SECRET}" }
        """
    }

    static let scripts = [
        // The build sees the service's env (the file's canary) and the daemon's.
        "build.sh": """
            \(printSplit)
            printf 'build sees %s and %s\\n' "$API_TOKEN" "$ENV_TOKEN"
            split build "$API_TOKEN"
            head -c 70000 /dev/zero | tr '\\0' x; printf '\\n%s after a 70 KB line\\n' "$ENV_TOKEN"
            # 65527 + 9 bytes: the 64 KiB piece a long line is cut into ends inside the secret.
            head -c 65527 /dev/zero | tr '\\0' y; printf '%s\\n' "$API_TOKEN"
            printf 'build ends without a newline: %s' "$ENV_TOKEN"
            [ "$(cat MODE)" != build-fails ]
            """,
        // Checks and smoke tests get the daemon's environment (and the release's), not the service's env.
        "check.sh": """
            \(printSplit)
            split check "$ENV_CANARY"
            printf 'check ends without a newline: %s' "$ENV_CANARY"
            [ "$(cat MODE)" != check-fails ]
            """,
        "smoke.sh": """
            \(printSplit)
            split smoke "$ENV_CANARY"
            printf 'smoke ends without a newline: %s' "$ENV_CANARY"
            [ "$(cat MODE)" != smoke-fails ]
            """,
        "service.sh": """
            \(printSplit)
            split service "$API_TOKEN"
            head -c 70000 /dev/zero | tr '\\0' x; printf '%s\\n' "$ENV_TOKEN"
            printf 'after a 70 KB line: %s\\n' "$API_TOKEN"
            if [ "$(cat MODE)" = start-fails ]; then printf 'dies without a newline: %s' "$API_TOKEN"; exit 3; fi
            (while :; do printf 'tick %s\\n' "$API_TOKEN"; sleep 0.3; done) &
            printf 'serving, no newline yet: %s' "$ENV_TOKEN"
            exec "$EXAMPLE"
            """,
    ]

    /// Where a canary (or a piece of one) was found.
    struct Leak: CustomStringConvertible {
        var place: String
        var needle: String
        var context: String
        var description: String { "\(place): \(needle) in …\(context)…" }
    }

    static func leaks(in bytes: Data, at place: String) -> [Leak] {
        needles.compactMap { needle in
            guard let range = bytes.range(of: Data(needle.utf8)) else { return nil }
            let lower = max(bytes.startIndex, range.lowerBound - 40)
            let upper = min(bytes.endIndex, range.upperBound + 40)
            return Leak(place: place, needle: needle, context: String(decoding: bytes[lower..<upper], as: UTF8.self))
        }
    }

    /// Every regular file under `directory`, recursively, but `secrets.env`.
    static func stateFiles(_ directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = directory + "/" + relative
            guard relative != "secrets.env",
                  (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
            else { continue }
            files.append(path)
        }
        return files
    }

    @Test func noCanaryReachesAnyFileAnswerNotificationOrLogOnAnyFailurePath() async throws {
        let receiver = try await NotificationReceiver()
        defer { receiver.stop() }
        let repository = try TestRepository(config: Self.config(receiverPort: receiver.port))
        defer { repository.remove() }
        // As a user keeps it: the state directory is not part of the repository.
        try repository.write(".gitignore", ".slipway/\n")
        try FileManager.default.createDirectory(atPath: repository.root + "/.slipway", withIntermediateDirectories: true)
        try "API_TOKEN=\(Self.fileCanary)\nHOOK_SECRET=hook-secret-0123456789\n"
            .write(toFile: repository.root + "/.slipway/secrets.env", atomically: true, encoding: .utf8)
        chmod(repository.root + "/.slipway/secrets.env", 0o600)
        for (name, text) in Self.scripts { try repository.write(name, text + "\n") }
        let releases: [(tag: String, mode: String, health: String)] = [
            ("v1", "ok", "ok"), ("build-fails", "build-fails", "ok"), ("check-fails", "check-fails", "ok"),
            ("health-fails", "ok", "fail"), ("start-fails", "start-fails", "ok"), ("smoke-fails", "smoke-fails", "ok"),
            ("v2", "ok", "ok"), ("turns-unhealthy", "ok", "fail-after 2s"),
        ]
        for release in releases {
            try repository.write("MODE", release.mode + "\n")
            try repository.release(release.tag, health: release.health)
        }

        let environment = ["ENV_CANARY": Self.environmentCanary]
        var daemonOutput: [String] = []
        var daemon = try await DaemonProcess.start(repository, environment: environment, logLevel: "debug")
        defer { daemon.terminate() }
        let api = DaemonSocket(repository)
        let cli = CLI(repository: repository)
        /// Everything an answer, a stream or the CLI showed, by where it came from.
        var shown: [(place: String, text: String)] = []

        func deploy(_ ref: String) async throws -> Deployment {
            let answer = try await api.post("/v1/deployments", #"{"service": "web", "ref": "\#(ref)", "actor": "tester"}"#)
            shown.append(("POST /v1/deployments \(ref)", answer.body))
            let finished = try answer.events().last { $0.event == .finished }
            return try #require(finished?.deployment, "\(ref): \(answer.body)")
        }

        // Each failure path, and the successes around them (a secret printed by a build that works
        // must be hidden as well).
        #expect(try await deploy("v1").exitCode == .success)
        #expect(try await deploy("build-fails").exitCode == .buildFailed)
        #expect(try await deploy("check-fails").exitCode == .checksFailed)
        #expect(try await deploy("health-fails").exitCode == .deployFailed)
        #expect(try await deploy("start-fails").exitCode == .deployFailed)
        #expect(try await deploy("smoke-fails").exitCode == .smokeFailedRolledBack)

        // A crash of the serving release: its whole process group killed, restarted by the daemon.
        let crashed = try #require(try await cli.status().services.first?.pid)
        kill(-crashed, SIGKILL)
        try await waitUntil("web restarted after its crash", timeout: .seconds(30)) {
            let service = try await cli.status().services.first
            return service?.pid != nil && service?.pid != crashed && service?.health == .healthy
        }

        // A manual rollback, then a release that turns unhealthy within its watch: rolled back by itself.
        #expect(try await deploy("v2").exitCode == .success)
        let rollback = try await api.post("/v1/rollbacks", #"{"service": "web", "actor": "tester"}"#)
        shown.append(("POST /v1/rollbacks", rollback.body))
        #expect(try rollback.events().last?.deployment?.exitCode == .success, "\(rollback.body)")
        let unhealthy = try await deploy("turns-unhealthy")
        #expect(unhealthy.exitCode == .success)
        try await waitUntil("the automatic rollback of \(unhealthy.id)", timeout: .seconds(30)) {
            try await api.get("/v1/deployments/\(unhealthy.id)").decoded(Deployment.self).outcome == .rolledBack
        }

        // The daemon killed outright: the serving release goes on printing, and its log goes on
        // growing, redacted, with no daemon; the next daemon adopts it.
        let serving = try #require(try await cli.status().services.first)
        let logFile = repository.root + "/.slipway/logs/web/\(try #require(serving.activeRelease?.id)).log"
        daemonOutput.append(daemon.output.contents)
        daemon.kill9()
        let sizeAtDeath = try FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int ?? 0
        try await waitUntil("the release's log to grow without a daemon") {
            let size = try FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int ?? 0
            return size > sizeAtDeath + 2 * "tick ******\n".utf8.count
        }
        daemon = try await DaemonProcess.start(repository, environment: environment, logLevel: "debug")
        #expect(try await cli.status().services.first?.pid == serving.pid)

        // What the service printed is in its log, masked: the relay handled every shape of it.
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        for expected in ["service split: ******\n", "after a 70 KB line: ******\n", "serving, no newline yet: ******", "tick ******\n"] {
            let found = log.contains(expected)
            #expect(found, "\(expected) not in \(logFile)")
        }
        let failedStart = try #require(try await api.get("/v1/deployments?limit=1000").decoded([Deployment].self)
            .first { $0.ref == "start-fails" })
        // The release's last words, quoted in the record of its failed health stage.
        let health = failedStart.stages.last { $0.name == .health }?.message ?? ""
        let quoted = health.contains("dies without a newline: ******")
        #expect(quoted, "\(health)")

        // Every answer the API gives.
        let history = try await api.get("/v1/deployments?limit=1000")
        shown.append(("GET /v1/deployments", history.body))
        for record in try history.decoded([Deployment].self) {
            shown.append(("GET /v1/deployments/\(record.id)", try await api.get("/v1/deployments/\(record.id)").body))
            shown.append(("GET /v1/deployments/\(record.id)/logs", try await api.get("/v1/deployments/\(record.id)/logs").body))
        }
        for uri in ["/v1/status", "/v1/audit?limit=10000", "/v1/services/web/output?lines=100000"] {
            shown.append(("GET \(uri)", try await api.get(uri).body))
        }
        let buildFailed = try #require(try history.decoded([Deployment].self).first { $0.ref == "build-fails" })
        let buildLog = try await api.get("/v1/deployments/\(buildFailed.id)/logs").body
        let buildLogMasked = buildLog.contains("build split: ******\n") && buildLog.contains("build ends without a newline: ******")
        #expect(buildLogMasked)

        // The CLI, as people read it.
        for arguments in [["status"], ["history"], ["audit"], ["logs", "--service", "web"], ["show", buildFailed.id],
                          ["logs", buildFailed.id], ["history", "--json"], ["audit", "--json"]] {
            let result = try await runProgram(Binaries.slipway, arguments + ["--config", repository.configFile],
                                              in: repository.root)
            shown.append(("slipway \(arguments.joined(separator: " "))", result.stdout + result.stderr))
        }

        daemon.terminate()
        daemonOutput.append(daemon.output.contents)

        var leaks: [Leak] = []
        for (place, text) in shown { leaks += Self.leaks(in: Data(text.utf8), at: place) }
        for (index, output) in daemonOutput.enumerated() {
            leaks += Self.leaks(in: Data(output.utf8), at: "daemon \(index + 1)'s output")
        }
        let notifications = try receiver.received()
        #expect(notifications.count >= 10)
        for message in notifications {
            leaks += Self.leaks(in: message.raw, at: "notification to \(message.path)")
            leaks += Self.leaks(in: Data("\(message.headers)".utf8), at: "notification headers")
        }
        let files = Self.stateFiles(repository.root + "/.slipway")
        #expect(files.contains { $0.hasSuffix("/state.db") } && files.contains { $0.hasSuffix(".log") })
        for file in files {
            leaks += Self.leaks(in: try Data(contentsOf: URL(fileURLWithPath: file)), at: file)
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaks:\n\(leaks.map(\.description).joined(separator: "\n"))")
    }

    /// `.slipway/` holds `secrets.env`, the state and the logs: a `git add -A` must not commit it
    /// (a committed `secrets.env` would also be exported into every release).
    @Test func theStateDirectoryKeepsItselfOutOfGit() async throws {
        try await withDaemonOverV1 { repository, _ in
            let status = try await runProgram("/usr/bin/env", ["git", "status", "--porcelain", "--untracked-files=all"],
                                              in: repository.root)
            #expect(status.status == 0)
            #expect(!status.stdout.contains(".slipway"), "\(status.stdout)")
            #expect(FileManager.default.fileExists(atPath: repository.root + "/.slipway/.gitignore"))
        }
    }
}
