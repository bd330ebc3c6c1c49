/// Redacts a stream of bytes as it comes (a release's output, a command's), with exactly the result
/// `Redactor.redact` gives the whole stream at once: a secret split across two reads, cut by a
/// line limit or at the very end without a newline is still masked whole.
///
/// It holds back only what could still become a secret: from the first position where the bytes
/// seen so far are the start of one (at most the longest secret's length less one byte), so a
/// stream that holds no secret passes at once, and nothing waits for a newline. `finish()` gives
/// what was held back when the stream ends.
package struct RedactingStream: Sendable {
    package let redactor: Redactor
    private var held: [UInt8] = []

    package init(_ redactor: Redactor) {
        self.redactor = redactor
    }

    /// How many bytes are held back, waiting to see whether they start a secret.
    package var heldBytes: Int { held.count }

    /// The redacted bytes `chunk` makes certain.
    package mutating func append(_ chunk: some Sequence<UInt8>) -> [UInt8] {
        guard !redactor.isEmpty else { return Array(chunk) }
        held.append(contentsOf: chunk)
        var output: [UInt8] = []
        output.reserveCapacity(held.count + 16)
        let consumed = redactor.redact(held, final: false, into: &output).consumed
        held.removeFirst(consumed)
        return output
    }

    /// What was held back, redacted: the stream has ended.
    package mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        _ = redactor.redact(held, final: true, into: &output)
        held.removeAll()
        return output
    }
}
