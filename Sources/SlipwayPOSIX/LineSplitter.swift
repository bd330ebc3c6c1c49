/// Cuts a byte stream into lines: `\n` ends a line and a `\r` before it is dropped, a line that
/// arrives over several chunks is held until it is whole, and a last line without a newline comes
/// from `finish()`.
///
/// Empty lines are delivered: whether one means anything is the caller's business (Docker's JSON
/// lines skip them, a command's log keeps them).
package struct LineSplitter: Sendable {
    /// What a command's output line may hold before it is delivered in pieces.
    package static let defaultMaximumLineBytes = 64 << 10

    /// Bounds the memory a stream without newlines can take; a longer line is delivered in pieces
    /// of at most this many bytes, each cut at a character boundary.
    package let maximumLineBytes: Int
    private var pending: [UInt8] = []

    package init(maximumLineBytes: Int = LineSplitter.defaultMaximumLineBytes) {
        // A piece must be able to hold a whole UTF-8 character.
        precondition(maximumLineBytes >= 4, "a line of \(maximumLineBytes) bytes cannot hold a character")
        self.maximumLineBytes = maximumLineBytes
    }

    /// The lines this chunk completes.
    package mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        let done: Void? = bytes.withContiguousStorageIfAvailable { append($0, to: &lines) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { append($0, to: &lines) } }
        return lines
    }

    /// The last line, when the stream did not end with a newline.
    package mutating func finish() -> String? {
        pending.isEmpty ? nil : endLine()
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, to lines: inout [String]) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
            take(rest[..<(newline ?? rest.endIndex)], into: &lines)
            guard let newline else { return }
            lines.append(endLine())
            rest = rest[(newline + 1)...]
        }
    }

    /// Adds bytes of the current line, none of them a newline.
    private mutating func take(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, into lines: inout [String]) {
        var bytes = bytes
        while let next = bytes.first {
            // Cut only when more of the line arrives: a line of exactly the maximum, then its
            // newline, is one line. (Git's splitter cut as soon as the maximum was reached and so
            // followed such a line with an empty one.)
            if pending.count >= maximumLineBytes { lines.append(cutPiece(before: next)) }
            let taken = bytes.prefix(maximumLineBytes - pending.count)
            pending.append(contentsOf: taken)
            bytes = bytes[taken.endIndex...]
        }
    }

    /// The full `pending` as a piece of a long line, less a character that `next` continues: that
    /// stays for the next piece, where it decodes whole rather than as two U+FFFD.
    private mutating func cutPiece(before next: UInt8) -> String {
        var cut = pending.count
        if Self.isContinuation(next) {
            // A character's lead byte is at most three bytes back (UTF-8 is at most four long).
            var lead = pending.count - 1
            while lead > pending.count - 3, Self.isContinuation(pending[lead]) { lead -= 1 }
            if pending[lead] >= 0xC0 { cut = lead }
        }
        let piece = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeSubrange(..<cut)
        return piece
    }

    private mutating func endLine() -> String {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        let line = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        return line
    }

    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
