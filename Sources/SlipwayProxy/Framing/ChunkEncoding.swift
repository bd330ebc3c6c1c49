import NIOCore
import NIOHTTP1

/// Chunk framing for a request body the client's decoder delivered without it (RFC 9112 §7.1).
enum ChunkEncoding {
    /// `<size in hex>\r\n`
    static func writeSizeLine(_ size: Int, to out: inout ByteBuffer) {
        var digits = 1
        while size >> (4 * digits) > 0 { digits += 1 }
        for shift in stride(from: 4 * (digits - 1), through: 0, by: -4) {
            let digit = UInt8((size >> shift) & 0xF)
            out.writeInteger(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
        out.writeStaticString("\r\n")
    }

    /// The last chunk, the trailer fields, and the empty line that ends the body.
    static func lastChunk(trailers: HTTPHeaders?, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard let trailers, !trailers.isEmpty else { return allocator.buffer(staticString: "0\r\n\r\n") }
        var out = allocator.buffer(capacity: 64)
        out.writeStaticString("0\r\n")
        for (name, value) in trailers {
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }
}
