import NIOCore

/// Splits a streamed body into lines (`\n`, with a trailing `\r` dropped), holding a partial line
/// until the rest of it arrives: the engine's JSON messages do not line up with its chunks.
struct LineSplitter {
    private var pending: [UInt8] = []

    mutating func append(_ chunk: ByteBuffer) -> [Substring] {
        var lines: [Substring] = []
        for byte in chunk.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if let line = take() { lines.append(line) }
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line when the body did not end with a newline.
    mutating func finish() -> Substring? {
        take()
    }

    private mutating func take() -> Substring? {
        defer { pending.removeAll(keepingCapacity: true) }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        guard !pending.isEmpty else { return nil }
        return Substring(decoding: pending, as: UTF8.self)
    }
}
