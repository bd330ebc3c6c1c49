import Foundation

/// Follows a build's output: the step running now, the image id the engine reports, and the
/// failure, so a failed build can say which step failed and why.
struct BuildOutput {
    /// `Step 2/3 : RUN make`, as the classic builder prints each instruction.
    private(set) var step: String?
    private(set) var imageID: String?
    private(set) var failure: String?

    /// Takes one message; returns the lines to show in the deployment's log.
    mutating func take(_ message: ProgressMessage) -> [String] {
        if let failure = message.failure {
            self.failure = failure.trimmingCharacters(in: .whitespacesAndNewlines)
            return ["error: \(self.failure ?? failure)"]
        }
        if let id = message.aux?.id { imageID = id }
        var lines: [String] = []
        if let stream = message.stream {
            for line in stream.split(whereSeparator: \.isNewline) {
                let text = String(line).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                if text.hasPrefix("Step ") && text.contains(" : ") { step = text }
                lines.append(text)
            }
        }
        if let status = message.status, message.progress == nil {
            lines.append(message.id.map { "\($0): \(status)" } ?? status)
        }
        return lines
    }
}
