/// Cuts a byte stream into lines for a handler, keeping the last few for error messages.
struct LineSplitter {
    /// A line longer than this is delivered in pieces rather than held in memory.
    static let maximumLineBytes = 64 << 10

    private var pending: [UInt8] = []
    private(set) var lastLines: [String] = []
    let keep: Int
    let handler: @Sendable (String) -> Void

    init(keep: Int, handler: @escaping @Sendable (String) -> Void) {
        self.keep = keep
        self.handler = handler
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                emit()
            } else {
                pending.append(byte)
                if pending.count >= Self.maximumLineBytes { emit() }
            }
        }
    }

    /// Delivers a last line that had no newline.
    mutating func finish() {
        if !pending.isEmpty { emit() }
    }

    private mutating func emit() {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        let line = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        handler(line)
        lastLines.append(line)
        if lastLines.count > keep { lastLines.removeFirst(lastLines.count - keep) }
    }
}
