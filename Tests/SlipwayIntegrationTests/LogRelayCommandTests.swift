import Foundation
import SlipwayModel
import Testing

/// `slipway log-relay`, the hidden verb the process runtime starts beside each release.
@Suite struct LogRelayCommandTests {
    @Test func itCopiesAPipeToItsOutputRedacted() async throws {
        let result = try await runProgram("/bin/sh", ["-c", "printf 'a CANARY-7k3q9x b\\nno newline CANARY-' | \"$0\" log-relay",
                                                      Binaries.slipway],
                                          environment: ["SLIPWAY_LOG_SECRETS": #"["CANARY-7k3q9x"]"#])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "a ****** b\nno newline CANARY-")
    }

    /// It ignores Ctrl-C (a terminal's signals must not end a release's output): started by a person
    /// at a terminal, it refuses at once rather than hold them until Ctrl-D.
    @Test func aTerminalIsRefused() async throws {
        let result = try await runProgram("/usr/bin/script", ["-q", "-e", "-c", "'\(Binaries.slipway)' log-relay", "/dev/null"])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("the daemon starts it"), "\(result.stdout)")
    }
}
