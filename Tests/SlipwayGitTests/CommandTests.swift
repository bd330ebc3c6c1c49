import Testing
@testable import SlipwayGit

@Suite("Running commands")
struct CommandTests {
    @Test func capturesStdoutAndStderrSeparatelyWithTheExitStatus() async throws {
        let command = Command(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 4"],
                              environment: [:], directory: "/", timeout: .seconds(10))
        let outcome = try await command.run()
        #expect(outcome.termination == .exited(4))
        #expect(outcome.outputText == "out\n")
        #expect(outcome.errorText == "err")
        #expect(!outcome.succeeded)
    }

    @Test func argumentsAreNeverInterpretedByAShell() async throws {
        let command = Command(executable: "printf", arguments: ["%s", "$(echo injected); `id`"],
                              environment: ["PATH": "/usr/bin:/bin"], directory: "/", timeout: .seconds(10))
        #expect(try await command.run().outputText == "$(echo injected); `id`")
    }

    @Test func aMissingExecutableIsACommandError() async throws {
        let command = Command(executable: "no-such-program-slipway", arguments: [], environment: [:],
                              directory: "/", timeout: .seconds(10))
        await #expect(throws: CommandError.self) { try await command.run() }
    }

    @Test func mergedOutputKeepsItsLastLines() async throws {
        let command = Command(executable: "/bin/sh", arguments: ["-c", #"seq 1 30; printf 'a\nb\r\nc\nd' >&2"#],
                              environment: ["PATH": "/usr/bin:/bin"], directory: "/", timeout: .seconds(10))
        let outcome = try await command.run { _ in }
        #expect(outcome.lastLines.count == Command.keptLines)
        #expect(outcome.lastLines.suffix(4) == ["a", "b", "c", "d"])
    }

    @Test func durationsReadShort() {
        #expect(Duration.milliseconds(300).shortDescription == "300ms")
        #expect(Duration.seconds(5).shortDescription == "5s")
        #expect(Duration.milliseconds(1500).shortDescription == "1.5s")
    }
}
