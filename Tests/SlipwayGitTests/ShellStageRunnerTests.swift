import Foundation
import SlipwayGit
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
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: root)
            try process.run()
            process.waitUntilExit()
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
