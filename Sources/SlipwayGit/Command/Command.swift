import SlipwayModel

/// A program run to completion: an argument vector, never a shell string built from user input.
struct Command: Sendable {
    /// A path, or a name looked up in the daemon's `PATH`.
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String
    var timeout: Duration
    /// Hides secrets in the lines handed to `run(lines:)`, redacting the byte stream before it is cut
    /// into lines: a secret split across reads, or across the pieces of a line too long to keep
    /// whole, is still masked whole.
    var redactor = Redactor()

    enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
    }

    struct Outcome: Sendable {
        var termination: Termination
        /// True when it was killed for running past its timeout.
        var timedOut: Bool
        /// What it wrote to stdout (or stdout and stderr, when they are merged into lines).
        var output: [UInt8]
        var errorOutput: [UInt8]
        /// The last lines of its output, when it ran with a line handler.
        var lastLines: [String]

        var succeeded: Bool { termination == .exited(0) && !timedOut }
        var outputText: String { String(decoding: output, as: UTF8.self) }
        var errorText: String { String(decoding: errorOutput, as: UTF8.self).trimmingTrailingNewlines }

        /// `exited with status 1`, `timed out after 5s and was killed`, `killed by signal 9`.
        func summary(timeout: Duration) -> String {
            if timedOut { return "timed out after \(timeout.shortDescription) and was killed" }
            switch termination {
            case .exited(let status): return "exited with status \(status)"
            case .signalled(let signal): return "was killed by signal \(signal)"
            }
        }
    }

    /// How many lines of merged output `Outcome.lastLines` keeps.
    static let keptLines = 20
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}

extension Duration {
    /// `300ms`, `5s`, `1.5s`.
    var shortDescription: String { DurationText.format(self) }
}
