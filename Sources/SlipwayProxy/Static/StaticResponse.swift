import NIOCore
import NIOHTTP1
import SlipwayModel

/// A response of a static site, decided and not yet written.
struct StaticResponse {
    enum Body {
        case none
        /// Cached bytes (or a slice of them for a range): written as they are, never copied.
        case bytes(ByteBuffer)
        /// Bytes of a file too large for the cache, sent from the disk at each request.
        case file(path: String, offset: Int, count: Int)
    }

    var status: HTTPResponseStatus
    var contentType: String?
    /// nil: no `Content-Length` (a 304 has no body to frame).
    var contentLength: Int?
    /// The file's prebuilt lines (`SiteFile.fixedFields`).
    var fixedFields: ByteBuffer?
    var fields: [HeaderField] = []
    var body: Body = .none
    /// Set for a whole 200 answer with nothing but the file's own lines: its head for an HTTP/1.1
    /// client that stays is the file's `okHead`, built once.
    var prebuilt: SiteFile?

    /// A short plain-text answer (404, 405, a redirect's note).
    static func text(_ status: HTTPResponseStatus, _ message: String, fields: [HeaderField] = []) -> StaticResponse {
        let body = ByteBuffer(string: message + "\n")
        return StaticResponse(status: status, contentType: "text/plain; charset=utf-8", contentLength: body.readableBytes,
                              fixedFields: nil, fields: fields, body: .bytes(body))
    }

    /// The head for `version`, with `Connection: close` when `close` (and `keep-alive` to an HTTP/1.0 client that stays).
    func head(version: HTTPVersion, close: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        if let prebuilt, version.minor == 1, !close { return prebuilt.okHead }
        var out = allocator.buffer(capacity: 256 + (fixedFields?.readableBytes ?? 0))
        out.writeString("HTTP/1.\(version.minor) \(status.code) \(status.reasonPhrase)\r\n")
        if let contentType { out.writeString("content-type: \(contentType)\r\n") }
        if let contentLength { out.writeString("content-length: \(contentLength)\r\n") }
        if var fixedFields { out.writeBuffer(&fixedFields) }
        for field in fields where !field.value.contains(where: { $0 == "\r" || $0 == "\n" }) {
            out.writeString("\(field.name): \(field.value)\r\n")
        }
        if close {
            out.writeStaticString("connection: close\r\n")
        } else if version.minor == 0 {
            out.writeStaticString("connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }
}
