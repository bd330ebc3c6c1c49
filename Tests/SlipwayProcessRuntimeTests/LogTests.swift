import Foundation
import SlipwayCore
import SlipwayModel
import Testing
@testable import SlipwayProcessRuntime

@Suite("Instance logs")
struct LogTests {
    @Test func stdoutAndStderrLandInTheLogAndLogTailReturnsTheLastLines() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("talk.sh", """
                for i in $(seq 1 500); do echo "out $i"; done
                echo "err last" >&2
                exec sleep 600
                """)
            let instance = try await harness.start("sh talk.sh")
            try await harness.waitForLog(instance, containing: "err last")

            #expect(await harness.runtime.logTail(instance, lines: 3) == "out 499\nout 500\nerr last")
            let whole = try String(contentsOfFile: instance.logFile, encoding: .utf8)
            #expect(whole.hasPrefix("==> slipway: starting web release 20260101000000-abcdef12 (v1) on 127.0.0.1:\(instance.port)"))
        }
    }

    @Test func restartsAppendToTheSameLog() async throws {
        try await RuntimeHarness.run { harness in
            // `run` is exec'd by the shell, so a compound command goes through `sh -c`.
            let first = try await harness.start("sh -c 'echo first run; exec sleep 600'")
            try await harness.waitForLog(first, containing: "first run")
            await harness.runtime.stop(first, timeout: .seconds(5))
            let second = try await harness.start("sh -c 'echo second run; exec sleep 600'")
            try await harness.waitForLog(second, containing: "second run")

            #expect(await harness.runtime.logTail(second, lines: 10).contains("first run"))
        }
    }

    @Test func tailOfALargeFileReadsOnlyItsEnd() throws {
        let path = FileManager.default.temporaryDirectory.path + "/slipway-tail-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let line = String(repeating: "x", count: 99) + "\n"
        var text = String(repeating: line, count: 30_000) // 3 MB, past the 1 MiB read limit
        text += "second to last\nlast without newline"
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        #expect(LogTail.read(path: path, lines: 2) == "second to last\nlast without newline")
        let many = LogTail.read(path: path, lines: 100_000)
        #expect(many.utf8.count <= LogTail.maximumBytes)
        #expect(many.hasSuffix("last without newline"))
        #expect(LogTail.read(path: path, lines: 0) == "")
        #expect(LogTail.read(path: path + ".missing", lines: 5) == "")
    }
}
