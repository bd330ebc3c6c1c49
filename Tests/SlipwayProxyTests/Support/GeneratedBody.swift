import NIOCore

/// A request body generated on the fly: `chunks` times the same buffer, never held whole.
struct GeneratedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunk: ByteBuffer
    let chunks: Int

    init(chunkSize: Int, chunks: Int) {
        self.chunk = ByteBuffer(repeating: UInt8(ascii: "u"), count: chunkSize)
        self.chunks = chunks
    }

    var totalBytes: Int { chunk.readableBytes * chunks }

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: ByteBuffer
        var remaining: Int

        mutating func next() async -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunk: chunk, remaining: chunks)
    }
}
