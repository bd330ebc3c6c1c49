import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX
import SlipwayTestSupport
import Testing
@testable import SlipwayProcessRuntime

/// What a release prints reaches its log through its relay (`slipway log-relay`), secrets masked,
/// whatever the shape of the output; the relay lives exactly as long as the release's output.
@Suite("Output relays")
struct RelayTests {
    static let secret = "CANARY-7k3q9x"

    @Test func secretsAreMaskedBeforeTheyReachTheLogInEveryShapeOfOutput() async throws {
        try await RuntimeHarness.run(redactor: Redactor(secrets: [Self.secret])) { harness in
            // `${S%??????}` is "CANARY-", `${S#???????}` the rest: the secret in two writes.
            try harness.workspace.write("talk.sh", """
                printf 'split: %s' "${S%??????}"; sleep 0.1; printf '%s\\n' "${S#???????}"
                head -c 70000 /dev/zero | tr '\\0' x; printf '%s\\n' "$S"
                printf 'on stderr: %s\\n' "$S" >&2
                printf 'last words: %s' "$S"
                exit 3
                """)
            let instance = try await harness.start("sh talk.sh", env: ["S": Self.secret])
            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(exit.status == 3)

            // Right after the exit, the tail holds the last words: it waits for the relay to write them.
            #expect(await harness.runtime.logTail(instance, lines: 1) == "last words: ******")
            let log = try String(contentsOfFile: instance.logFile, encoding: .utf8)
            #expect(!log.contains("CANARY") && !log.contains("7k3q9x"))
            let expected = ["split: ******\n", String(repeating: "x", count: 70_000) + "******\n", "on stderr: ******\n"]
            for line in expected {
                let found = log.contains(line)
                #expect(found, "\(line.prefix(40))")
            }
        }
    }

    @Test func theRelayIsDeafToSignalsAndEndsWithTheLastHolderOfItsPipe() async throws {
        try await RuntimeHarness.run { harness in
            // A child the release starts in a session of its own outlives the release's stop, and
            // keeps its output open until it ends.
            let instance = try await harness.start("sh -c 'setsid sh -c \"sleep 1; echo child ends\" & echo serving; exec sleep 600'")
            try await harness.waitForLog(instance, containing: "serving")
            let relay = try #require(await harness.runtime.relays.first { $0.value == instance.pid }?.key)
            #expect(ProcStat.read(pid: relay)?.session == relay)

            // What `pkill slipway` or a closed terminal sends does not end it.
            // Ignored signals are discarded when they are sent, so there is nothing to wait for.
            #expect(Self.ignores(relay, [SIGTERM, SIGINT, SIGHUP]))
            for signal in [SIGTERM, SIGINT, SIGHUP] { kill(relay, signal) }
            #expect(await harness.runtime.relays[relay] != nil)

            await harness.runtime.stop(instance, timeout: .seconds(5))
            #expect(await harness.runtime.relays[relay] != nil)
            try await harness.waitForLog(instance, containing: "child ends")
            try await waitUntil("the relay to end and be reaped") { await harness.runtime.relays[relay] == nil }
            #expect(ProcStat.read(pid: relay) == nil)
        }
    }

    /// Whether `pid` ignores every one of `signals` (`SigIgn` in /proc/PID/status).
    static func ignores(_ pid: Int32, _ signals: [Int32]) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
              let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return signals.allSatisfy { mask & (1 << UInt64($0 - 1)) != 0 }
    }

    @Test func theRelayLearnsTheSecretsFromItsEnvironmentOnly() {
        let redactor = Redactor(secrets: [Self.secret, "hunter2-hunter2"])
        let environment = OutputRelay.environment(redactor)
        #expect(environment.keys.sorted() == [OutputRelay.secretsVariable])
        #expect(OutputRelay.redactor(from: environment) == redactor)
        #expect(OutputRelay.environment(Redactor()).isEmpty)
        #expect(OutputRelay.redactor(from: [:]).isEmpty)
    }

    @Test func copyStopsAtTheEndOfItsInputAndMasksWhatWasHeldBack() throws {
        let input = try ChildSpawn.makePipe()
        let output = try ChildSpawn.makePipe()
        let writer = Thread {
            for chunk in ["a CANARY-", "7k3q", "9x b ", "CANARY-7k3q9x"] {
                _ = chunk.withCString { write(input.write, $0, strlen($0)) }
            }
            close(input.write)
        }
        writer.start()
        OutputRelay.copy(input: input.read, output: output.write, redactor: Redactor(secrets: [Self.secret]))
        close(input.read)
        close(output.write)
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = read(output.read, &bytes, bytes.count)
        close(output.read)
        #expect(String(decoding: bytes[..<max(count, 0)], as: UTF8.self) == "a ****** b ******")
    }
}
