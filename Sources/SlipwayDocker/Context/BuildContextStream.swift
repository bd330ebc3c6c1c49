import Foundation
import Glibc
import NIOCore
import SlipwayModel
import SlipwayPOSIX

/// The build context as a tar stream, produced as the engine reads it: one header or one chunk of
/// one file at a time, so a large context is never held in memory and a slow engine slows the
/// reading (backpressure through the request body).
struct BuildContextStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let context: BuildContext
    /// Bytes of a file read per step.
    static let chunkSize = 256 << 10

    func makeAsyncIterator() -> Iterator {
        Iterator(context: context)
    }

    final class Iterator: AsyncIteratorProtocol {
        private let context: BuildContext
        private var index = 0
        private var file: OpenFile?
        private var finished = false

        init(context: BuildContext) {
            self.context = context
        }

        func next() async throws -> ByteBuffer? {
            if let file {
                if let chunk = try await read(file) { return chunk }
            }
            guard index < context.entries.count else {
                if finished { return nil }
                finished = true
                return ByteBuffer(bytes: TarHeader.end)
            }
            let entry = context.entries[index]
            index += 1
            let header = TarHeader.blocks(for: entry)
            if case .file(let size) = entry.kind, size > 0 {
                file = try OpenFile(path: context.root + "/" + entry.path, size: size)
            }
            return ByteBuffer(bytes: header)
        }

        /// The next chunk of the open file; at its declared end, the padding to a block boundary.
        /// A file that shrank since the scan is padded with zeros and one that grew is cut, so
        /// the archive stays well-formed (the size was already written in its header).
        /// Nil once the file and its padding are sent.
        private func read(_ open: OpenFile) async throws -> ByteBuffer? {
            if open.remaining == 0 {
                file = nil
                let padding = TarHeader.padding(after: open.size)
                return padding.isEmpty ? nil : ByteBuffer(bytes: padding)
            }
            let wanted = Int(Swift.min(Int64(BuildContextStream.chunkSize), open.remaining))
            var bytes = try await open.read(upTo: wanted)
            if bytes.isEmpty { bytes = [UInt8](repeating: 0, count: wanted) }
            open.remaining -= Int64(bytes.count)
            return ByteBuffer(bytes: bytes)
        }
    }
}

/// A file of the context being sent; closed when done or when the upload is abandoned.
final class OpenFile: @unchecked Sendable {
    // Unchecked: used by one iterator at a time; reads hop to a Dispatch thread and back.
    let descriptor: Int32
    let size: Int64
    var remaining: Int64

    init(path: String, size: Int64) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SlipwayError(.buildFailed, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.size = size
        self.remaining = size
    }

    deinit {
        close(descriptor)
    }

    func read(upTo count: Int) async throws -> [UInt8] {
        let descriptor = self.descriptor
        return try await BlockingIO.run {
            var buffer = [UInt8](repeating: 0, count: count)
            while true {
                let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, count) }
                if got >= 0 { return Array(buffer.prefix(got)) }
                if errno != EINTR {
                    throw SlipwayError(.buildFailed, "cannot read the build context: \(String(cString: strerror(errno)))")
                }
            }
        }
    }
}
