import ArgumentParser
import Foundation
import SlipwayProcessRuntime

/// `slipway log-relay`: not for people. The process runtime starts one beside each release it runs,
/// reading the release's output on stdin and appending it, redacted, to the log on stdout
/// (`OutputRelay`), until the release and all it started have closed their output.
struct LogRelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: OutputRelay.subcommand,
        abstract: "Copy a release's output (stdin) to its log (stdout), secrets redacted.",
        shouldDisplay: false)

    func run() {
        OutputRelay.run(redactor: OutputRelay.redactor(from: ProcessInfo.processInfo.environment))
    }
}
