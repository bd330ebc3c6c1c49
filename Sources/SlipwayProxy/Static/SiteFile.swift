import NIOCore

/// One file of a published site as the proxy serves it: what a response needs, computed once
/// when the file is first asked for on a loop (releases are immutable, so it never goes stale).
final class SiteFile {
    /// The file's resolved absolute path.
    let path: String
    let size: Int
    /// Seconds since the epoch.
    let modified: Int
    /// Strong and quoted.
    let etag: String
    let contentType: String
    /// The whole file, written to every client as is (a `ByteBuffer` is shared, not copied); nil
    /// for a file larger than the cache takes, which is read at each request.
    let bytes: ByteBuffer?
    /// `br` or `gzip` for a precompressed variant; nil for the file itself.
    let coding: ContentCoding?
    /// Its precompressed siblings (`app.js.br`, `app.js.gz`), best first; empty for a variant.
    let variants: [SiteFile]
    /// The head lines every full response of it carries: ETag, Last-Modified, Accept-Ranges,
    /// Content-Encoding of a variant, Vary when there is a choice. Built once.
    let fixedFields: ByteBuffer
    /// The whole head of a 200 answer of all of it to an HTTP/1.1 client that keeps the connection.
    let okHead: ByteBuffer

    init(path: String, size: Int, modified: Int, etag: String, contentType: String, bytes: ByteBuffer?,
         coding: ContentCoding?, variants: [SiteFile], varies: Bool) {
        self.path = path
        self.size = size
        self.modified = modified
        self.etag = etag
        self.contentType = contentType
        self.bytes = bytes
        self.coding = coding
        self.variants = variants
        var fields = ByteBuffer()
        fields.writeString("etag: \(etag)\r\nlast-modified: \(HTTPDate.format(modified))\r\naccept-ranges: bytes\r\n")
        if let coding { fields.writeString("content-encoding: \(coding.rawValue)\r\n") }
        if varies { fields.writeStaticString("vary: Accept-Encoding\r\n") }
        self.fixedFields = fields
        var head = ByteBuffer()
        head.writeString("HTTP/1.1 200 OK\r\ncontent-type: \(contentType)\r\ncontent-length: \(size)\r\n")
        head.writeImmutableBuffer(fields)
        head.writeStaticString("\r\n")
        self.okHead = head
    }

    /// The representation to send for a request's `Accept-Encoding` values.
    func representation(accepting acceptEncoding: [Substring]) -> SiteFile {
        guard !variants.isEmpty, !acceptEncoding.isEmpty else { return self }
        let coding = ContentCoding.choose(among: variants.compactMap(\.coding), acceptEncoding: acceptEncoding)
        return variants.first { $0.coding == coding } ?? self
    }
}

/// What a path inside a site is, as the cache remembers it.
enum SiteEntry {
    case file(SiteFile)
    case directory
    case missing
}
