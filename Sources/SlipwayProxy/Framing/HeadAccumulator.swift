import NIOCore

/// Collects a message head that may arrive over several reads, and finds where it ends: the
/// first empty line. Every LF must follow a CR (no bare LF, as llhttp without its lenient flags).
struct HeadAccumulator {
    /// Bytes of earlier reads while the head is incomplete.
    private var partial: ByteBuffer?
    /// How much of `partial` was already searched.
    private var scanned = 0

    /// Nothing of a head has arrived.
    var isEmpty: Bool { partial == nil }

    mutating func reset() {
        partial = nil
        scanned = 0
    }

    /// The complete head, if `buffer` (after what earlier reads left) holds it; the bytes after it
    /// stay in `buffer`. Otherwise `buffer` is kept whole for the next read and nil is returned.
    mutating func take(from buffer: inout ByteBuffer, limit: Int) throws -> ByteBuffer? {
        if var earlier = partial {
            partial = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        guard buffer.readableBytes > 0 else { return nil }
        let from = scanned
        guard let length = try buffer.withUnsafeReadableBytes({ try Self.headLength($0, from: from) }) else {
            guard buffer.readableBytes <= limit else { throw FramingError(.headTooLarge) }
            scanned = buffer.readableBytes
            partial = buffer
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        guard length <= limit else { throw FramingError(.headTooLarge) }
        scanned = 0
        return buffer.readSlice(length: length)!
    }

    private static func headLength(_ p: UnsafeRawBufferPointer, from scanned: Int) throws -> Int? {
        var i = scanned
        while i < p.count {
            if p[i] == HTTPSyntax.lf {
                guard i > 0, p[i - 1] == HTTPSyntax.cr else { throw FramingError(.bareLineFeed) }
                if i >= 3 && p[i - 2] == HTTPSyntax.lf { return i + 1 }
            }
            i += 1
        }
        return nil
    }
}
