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
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-stage-\(UUID().uuidString)").path
        // The background child would write the marker after 2 s if it survived the kill of its group.
        let outcome = try await ShellStageRunner().run("(sleep 2; touch \(marker)) & sleep 30", in: "/tmp", environment: [:],
                                                       timeout: .milliseconds(300), log: { _ in })
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        try await Task.sleep(for: .seconds(3))  // the event here is an absence: the marker must not appear
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
