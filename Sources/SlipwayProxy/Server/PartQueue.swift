import NIOCore

/// A FIFO of HTTP message parts whose storage is allocated on first use.
///
/// Almost every exchange and connection leaves it empty (parts queue only while an upstream
/// connection is being opened, or behind a pipelined request), and an empty `CircularBuffer`
/// still allocates its storage: one malloc and free per request and per connection, measurable
/// with a new connection per request.
struct PartQueue<Part> {
    private var storage: CircularBuffer<Part>?

    init() {}

    var isEmpty: Bool { storage?.isEmpty ?? true }

    var first: Part? { storage?.first }

    var last: Part? { storage?.last }

    mutating func append(_ part: Part) {
        if storage == nil { storage = CircularBuffer(initialCapacity: 4) }
        storage!.append(part)
    }

    mutating func popFirst() -> Part? {
        storage?.popFirst()
    }

    mutating func removeAll() {
        storage = nil
    }
}
