import NIOCore

/// Demultiplexes a container's log stream: without a TTY the engine sends frames of an 8-byte
/// header (stream type: 0 stdin, 1 stdout, 2 stderr; three zero bytes; a big-endian 32-bit
/// length) and that many bytes of output. Frames do not line up with the chunks they arrive in.
struct LogFrames {
    private var pending: [UInt8] = []

    mutating func append(_ chunk: ByteBuffer) -> [ContainerOutput] {
        pending.append(contentsOf: chunk.readableBytesView)
        var frames: [ContainerOutput] = []
        var offset = 0
        while pending.count - offset >= 8 {
            let length = pending[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | Int($1) }
            guard pending.count - offset - 8 >= length else { break }
            let stream: ContainerOutput.Stream = pending[offset] == 2 ? .stderr : .stdout
            let payload = pending[(offset + 8)..<(offset + 8 + length)]
            frames.append(ContainerOutput(stream: stream, text: String(decoding: payload, as: UTF8.self)))
            offset += 8 + length
        }
        pending.removeFirst(offset)
        return frames
    }
}

/// A piece of a container's output.
package struct ContainerOutput: Sendable, Equatable {
    package enum Stream: String, Sendable {
        case stdout
        case stderr
    }

    package var stream: Stream
    /// As the container wrote it, newlines included.
    package var text: String

    package init(stream: Stream, text: String) {
        self.stream = stream
        self.text = text
    }
}
