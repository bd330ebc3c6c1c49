import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A file too large for the cache sent over TLS, where NIOSSL cannot take a `FileRegion`: read and
/// written a chunk at a time, the next read only once the previous chunk was written, so at most one
/// chunk of it is in memory per connection whatever the client's speed.
final class FileTransfer {
    static let chunkBytes = 256 * 1024

    private let descriptor: CInt
    private(set) var offset: Int
    let end: Int
    /// The request's end has arrived (its body, if any, read and dropped meanwhile).
    var requestEnded = false
    let upstream: LoopUpstream
    let status: UInt
    let close: Bool
    let startedAt: NIODeadline

    init?(path: String, offset: Int, count: Int, upstream: LoopUpstream, status: UInt, close: Bool, startedAt: NIODeadline) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.offset = offset
        self.end = offset + count
        self.upstream = upstream
        self.status = status
        self.close = close
        self.startedAt = startedAt
    }

    deinit {
        Glibc.close(descriptor)
    }

    var isComplete: Bool { offset >= end }

    /// The next chunk, or nil when the file can no longer be read (then the connection is cut:
    /// the head promised a length).
    func nextChunk(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let length = min(Self.chunkBytes, end - offset)
        var buffer = allocator.buffer(capacity: length)
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
            max(0, pread(descriptor, pointer.baseAddress, length, off_t(offset)))
        }
        guard read > 0 else { return nil }
        offset += read
        return buffer
    }
}
