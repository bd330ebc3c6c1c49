import ArgumentParser
import Foundation
import Glibc
import SlipwayProcessRuntime

/// `slipway log-relay`: not for people. The process runtime starts one beside each release it runs,
/// reading the release's output on stdin and appending it, redacted, to the log on stdout
/// (`OutputRelay`), until the release and all it started have closed their output.
struct LogRelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: OutputRelay.subcommand,
        abstract: "Copy a release's output (stdin) to its log (stdout), secrets redacted.",
        shouldDisplay: false)

    func run() throws {
        // It ignores Ctrl-C: a person who typed it would be stuck until Ctrl-D.
        guard isatty(0) == 0 else {
            throw ValidationError("log-relay reads a release's output from a pipe; the daemon starts it, not people")
        }
        OutputRelay.run(redactor: OutputRelay.redactor(from: ProcessInfo.processInfo.environment))
    }
}
