import Foundation
import SlipwayTestSupport
import SlipwayGit
import SlipwayModel
import Synchronization
import Testing

@Suite struct ShellStageRunnerTests {
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    @Test func runsInTheDirectoryWithItsEnvironmentAndStreamsOutput() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let lines = Lines()
        let outcome = try await ShellStageRunner().run("pwd; echo url=$SLIPWAY_URL; exit 3", in: directory,
                                                       environment: ["SLIPWAY_URL": "http://127.0.0.1:1"],
                                                       timeout: .seconds(10), log: { line in lines.all.withLock { $0.append(line) } })
        #expect(outcome.status == 3)
        #expect(!outcome.timedOut)
        let output = lines.all.withLock { $0 }
        #expect(output.contains { $0.hasSuffix(URL(fileURLWithPath: directory).lastPathComponent) })
        #expect(output.contains("url=http://127.0.0.1:1"))
    }

    /// The output is redacted as a stream before it is cut into lines: a secret split across two
    /// writes, or across the 64 KiB pieces of a longer line, or at the end without a newline, is
    /// masked whole, never left in two halves that no line-by-line redaction would find.
    @Test func secretsAreMaskedBeforeTheOutputIsCutIntoLines() async throws {
        let secret = "CANARY-7k3q9x"
        let lines = Lines()
        let script = """
            printf 'split: CANARY-'; sleep 0.1; printf '7k3q9x\\n'
            head -c 65527 /dev/zero | tr '\\0' y; printf '%s\\n' "$S"
            printf 'last: %s' "$S"
            """
        let outcome = try await ShellStageRunner(redactor: Redactor(secrets: [secret])).run(
            script, in: "/tmp", environment: ["S": secret], timeout: .seconds(10),
            log: { line in lines.all.withLock { $0.append(line) } })
        #expect(outcome.status == 0)
        let output = lines.all.withLock { $0 }
        #expect(output.first == "split: ******")
        // Cut at 64 KiB, this line would have ended in "CANARY-7k" and its next piece begun with "3q9x".
        #expect(output.dropFirst().first == String(repeating: "y", count: 65_527) + "******")
        #expect(output.last == "last: ******")
        #expect(!output.joined().contains("CANARY") && !output.joined().contains("3q9x"))
    }

    @Test func pastItsTimeoutTheWholeProcessGroupIsKilled() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-stage-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // A background child of the command, in its process group, records its pid and would run on for 30 s.
        let outcome = try await ShellStageRunner().run(
            "sh -c 'echo $$ > \(pidFile).tmp; mv \(pidFile).tmp \(pidFile); exec sleep 30' & while [ ! -f \(pidFile) ]; do sleep 0.01; done; sleep 30",
            in: "/tmp", environment: [:], timeout: .milliseconds(300), log: { _ in })
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed with its group: gone, or a zombie waiting for init to reap it.
        do {
            try await waitUntilSleepIsGone(pid)
        } catch {
            kill(pid, SIGKILL)
            throw error
        }
    }
}

@Suite struct GitChangeSourceTests {
    @Test func changedFilesBetweenTwoCommitsIncludeBothSidesOfARename() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-changes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/services/api", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        func git(_ arguments: String...) throws {
            _ = try ChildProgram.run("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + arguments,
                                     in: root)
        }
        try git("init", "-q")
        try "a".write(toFile: root + "/services/api/main.txt", atomically: true, encoding: .utf8)
        try "b".write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        try git("add", "-A")
        try git("commit", "-qm", "one")
        try git("tag", "one")
        try FileManager.default.createDirectory(atPath: root + "/libs", withIntermediateDirectories: true)
        try git("mv", "services/api/main.txt", "libs/main.txt")
        try git("commit", "-qm", "two")
        let source = GitChangeSource(repository: root)
        let from = try await source.resolve("one")
        let to = try await source.resolve("HEAD")
        #expect(from.count == 40)
        #expect(try await source.changedFiles(from: from, to: to).sorted() == ["libs/main.txt", "services/api/main.txt"])
        await #expect(throws: (any Error).self) { try await source.resolve("nope") }
    }
}
