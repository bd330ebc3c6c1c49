import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A container's output through `GET /containers/{id}/logs`, demultiplexed.
@Suite(.needsDocker, .serialized) struct LogTests {
    static let chatty = #"sh -c 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; exec httpd -f -p $PORT -h /www'"#

    @Test func tailHasTheLastLinesOfBothStreamsWithoutFrameHeaders() async throws {
        try await DockerFixture.run(run: Self.chatty) { fixture in
            let (_, instance) = try await fixture.deploy()
            let written = Set((1...5).flatMap { ["out \($0)", "err \($0)"] })
            // The engine copies stdout and stderr separately, so their relative order is its own.
            #expect(await eventually {
                Set(await fixture.runtime.logTail(instance, lines: 20).split(separator: "\n").map(String.init)) == written
            })
            let tail = await fixture.runtime.logTail(instance, lines: 3)
            let lines = tail.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.count == 3)
            #expect(lines.allSatisfy(written.contains))
            #expect(!tail.unicodeScalars.contains { $0.value < 0x0A || ($0.value > 0x0A && $0.value < 0x20) })
        }
    }

    @Test func logsSeparateTheStreams() async throws {
        try await DockerFixture.run(run: Self.chatty) { fixture in
            let (_, instance) = try await fixture.deploy()
            #expect(await eventually { await fixture.runtime.logTail(instance, lines: 1).contains("5") })
            var stdout = ""
            var stderr = ""
            try await fixture.runtime.logs(instance, tail: nil, follow: false) { output in
                if output.stream == .stdout { stdout += output.text } else { stderr += output.text }
            }
            #expect(stdout == "out 1\nout 2\nout 3\nout 4\nout 5\n")
            #expect(stderr == "err 1\nerr 2\nerr 3\nerr 4\nerr 5\n")
        }
    }

    @Test func followedLogsDeliverNewOutputUntilCancelled() async throws {
        try await DockerFixture.run(run: #"sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done'"#) { fixture in
            let (_, instance) = try await fixture.deploy()
            let runtime = fixture.runtime
            let ticks = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    var seen = 0
                    do {
                        try await runtime.logs(instance, tail: 0, follow: true) { output in
                            seen += output.text.split(separator: "\n").count
                            if seen >= 3 { throw CancellationError() }
                        }
                    } catch is CancellationError {}
                    return seen
                }
                let seen = try await group.next() ?? 0
                group.cancelAll()
                return seen
            }
            #expect(ticks >= 3)
        }
    }
}
