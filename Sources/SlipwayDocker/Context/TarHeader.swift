/// POSIX ustar headers, with a PAX extended header before any entry whose path, link target or
/// size does not fit the ustar fields (as GNU tar and Go's `archive/tar`, which the engine reads
/// the context with, both write and read them).
enum TarHeader {
    static let blockSize = 512

    /// The header blocks for `entry`: one, or three and more when a PAX header precedes it.
    static func blocks(for entry: ContextEntry) -> [UInt8] {
        var name = entry.path
        if case .directory = entry.kind, !name.hasSuffix("/") { name += "/" }
        var linkName = ""
        var size: Int64 = 0
        let type: UInt8
        switch entry.kind {
        case .file(let fileSize):
            type = UInt8(ascii: "0")
            size = fileSize
        case .directory:
            type = UInt8(ascii: "5")
        case .symlink(let target):
            type = UInt8(ascii: "2")
            linkName = target
        }

        var records: [(String, String)] = []
        if name.utf8.count > 100 { records.append(("path", name)) }
        if linkName.utf8.count > 100 { records.append(("linkpath", linkName)) }
        if size > maxOctalSize { records.append(("size", String(size))) }

        var bytes: [UInt8] = []
        if !records.isEmpty {
            let body = paxBody(records)
            // The PAX header's own name is ignored by readers; GNU tar writes a similar one.
            let headerName = "PaxHeaders.0/" + String(decoding: Array(name.utf8.suffix(80)), as: UTF8.self)
            bytes += ustar(name: headerName, size: Int64(body.count), type: UInt8(ascii: "x"), linkName: "",
                           mode: 0o644, modified: entry.modified)
            bytes += body
            bytes += padding(after: Int64(body.count))
        }
        bytes += ustar(name: name, size: size, type: type, linkName: linkName, mode: entry.mode, modified: entry.modified)
        return bytes
    }

    /// Zeros up to the next block boundary after `size` bytes of content.
    static func padding(after size: Int64) -> [UInt8] {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? [] : [UInt8](repeating: 0, count: blockSize - remainder)
    }

    /// Two zero blocks end an archive.
    static let end = [UInt8](repeating: 0, count: 2 * blockSize)

    /// 11 octal digits.
    static let maxOctalSize: Int64 = 0o777_7777_7777

    private static func ustar(name: String, size: Int64, type: UInt8, linkName: String, mode: UInt32,
                              modified: Int64) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: blockSize)
        put(name, at: 0, width: 100, in: &header)
        put(octal(Int64(mode & 0o7777), digits: 7), at: 100, width: 8, in: &header)
        put(octal(0, digits: 7), at: 108, width: 8, in: &header)
        put(octal(0, digits: 7), at: 116, width: 8, in: &header)
        put(octal(min(size, maxOctalSize), digits: 11), at: 124, width: 12, in: &header)
        put(octal(max(0, min(modified, maxOctalSize)), digits: 11), at: 136, width: 12, in: &header)
        header[156] = type
        put(linkName, at: 157, width: 100, in: &header)
        put("ustar", at: 257, width: 6, in: &header)
        put("00", at: 263, width: 2, in: &header)
        put("root", at: 265, width: 32, in: &header)
        put("root", at: 297, width: 32, in: &header)
        // The checksum is the sum of the header's bytes with its own field read as spaces.
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        let sum = header.reduce(0) { $0 + Int64($1) }
        put(octal(sum, digits: 6), at: 148, width: 7, in: &header)
        header[155] = UInt8(ascii: " ")
        return header
    }

    /// `"%d key=value\n"` records, where the leading length counts the whole record, itself included.
    static func paxBody(_ records: [(String, String)]) -> [UInt8] {
        var body: [UInt8] = []
        for (key, value) in records {
            let rest = " \(key)=\(value)\n".utf8.count
            var length = rest + 1
            while String(length).utf8.count + rest != length { length = String(length).utf8.count + rest }
            body += Array("\(length) \(key)=\(value)\n".utf8)
        }
        return body
    }

    /// Copies the UTF-8 bytes of `text` (truncated to `width`) into a NUL-padded field.
    private static func put(_ text: String, at offset: Int, width: Int, in header: inout [UInt8]) {
        for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
    }

    private static func octal(_ value: Int64, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
