import Foundation
import SlipwayModel
import SlipwayPOSIX

/// Follows a build's output: the step running now, the image id the engine reports, and the
/// failure, so a failed build can say which step failed and why.
struct BuildOutput {
    /// `Step 2/3 : RUN make`, as the classic builder prints each instruction.
    private(set) var step: String?
    private(set) var imageID: String?
    private(set) var failure: String?
    /// The steps' output is one stream, redacted, then cut into lines: the engine sends it in
    /// pieces that need not end at a line's end, nor outside a secret.
    private var redaction: RedactingStream
    private var splitter = LineSplitter()

    init(redactor: Redactor = Redactor()) {
        redaction = RedactingStream(redactor)
    }

    /// Takes one message; returns the lines to show in the deployment's log.
    mutating func take(_ message: ProgressMessage) -> [String] {
        if let failure = message.failure {
            self.failure = failure.trimmingCharacters(in: .whitespacesAndNewlines)
            return finish() + ["error: \(self.failure ?? failure)"]
        }
        if let id = message.aux?.id { imageID = id }
        var lines: [String] = []
        if let stream = message.stream {
            lines += shown(splitter.append(redaction.append(stream.utf8)))
        }
        if let status = message.status, message.progress == nil {
            lines.append(message.id.map { "\($0): \(status)" } ?? status)
        }
        return lines
    }

    /// What the stream held back when it ends: a last line without a newline, the start of what
    /// might have been a secret.
    mutating func finish() -> [String] {
        shown(splitter.append(redaction.finish()) + [splitter.finish()].compactMap { $0 })
    }

    /// The lines worth showing: trimmed, none empty, a progress line's `\r` parts apart.
    private mutating func shown(_ lines: [String]) -> [String] {
        var shown: [String] = []
        for line in lines.flatMap({ $0.split(whereSeparator: \.isNewline) }) {
            let text = String(line).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if text.hasPrefix("Step ") && text.contains(" : ") { step = text }
            shown.append(text)
        }
        return shown
    }
}
