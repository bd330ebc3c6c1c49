/// The local files an HTML page loads: `src` and `srcset` (every candidate) of any element, and
/// `href` of `<link>` elements that load something (stylesheets, icons, manifests, preloads), quoted
/// or not. Not `<a href>` (a page's links may be a single-page app's routes, not files) nor
/// `<link rel=canonical|alternate|…>`. Script and style bodies and comments are skipped. A scan, not
/// a parser: what it finds is what a browser would fetch first, which is what a broken build drops.
enum PageReferences {
    static func of(_ html: String) -> [String] {
        let bytes = Array(html.utf8)
        var references: [String] = []
        var i = 0
        while let open = index(of: UInt8(ascii: "<"), in: bytes, from: i) {
            i = open + 1
            if starts(bytes, at: i, with: "!--") {
                i = find("-->", in: bytes, from: i + 3).map { $0 + 3 } ?? bytes.count
                continue
            }
            var nameEnd = i
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            guard nameEnd > i else { continue }
            let name = String(decoding: bytes[i..<nameEnd], as: UTF8.self).lowercased()
            let (attributes, tagEnd) = Self.attributes(bytes, from: nameEnd)
            i = tagEnd
            for (key, value) in attributes {
                switch key {
                case "src":
                    references.append(value)
                case "srcset":
                    references += value.split(separator: ",").compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
                case "href" where name == "link" && !ignoredRelations.contains(attributes.first { $0.0 == "rel" }?.1.lowercased() ?? ""):
                    references.append(value)
                default:
                    break
                }
            }
            if name == "script" || name == "style" {
                i = find("</" + name, in: bytes, from: i, caseInsensitive: true) ?? bytes.count
            }
        }
        return references
    }

    /// `<link>` relations that name a page or another host rather than a file the page loads.
    private static let ignoredRelations: Set<String> = ["canonical", "alternate", "preconnect", "dns-prefetch", "next", "prev",
                                                        "author", "license", "search", "me", "help", "bookmark"]

    /// The attributes of a tag whose name ends at `start`, lowercased names, and where the tag ends.
    private static func attributes(_ bytes: [UInt8], from start: Int) -> ([(String, String)], Int) {
        var result: [(String, String)] = []
        var i = start
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) || bytes[i] == UInt8(ascii: "/") { i += 1 }
            guard i < bytes.count, bytes[i] != UInt8(ascii: ">") else { return (result, i + 1) }
            let keyStart = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ">") { i += 1 }
            let key = String(decoding: bytes[keyStart..<i], as: UTF8.self).lowercased()
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                result.append((key, ""))
                continue
            }
            i += 1
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            var value: ArraySlice<UInt8>
            if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                let quote = bytes[i]
                let end = index(of: quote, in: bytes, from: i + 1) ?? bytes.count
                value = bytes[(i + 1)..<end]
                i = min(end + 1, bytes.count)
            } else {
                let valueStart = i
                while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                value = bytes[valueStart..<i]
            }
            result.append((key, String(decoding: value, as: UTF8.self).trimmingWhitespace().description))
        }
        return (result, bytes.count)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d || byte == 0x0c
    }

    private static func index(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes[start...].firstIndex(of: byte)
    }

    private static func starts(_ bytes: [UInt8], at start: Int, with text: String) -> Bool {
        let needle = Array(text.utf8)
        return start + needle.count <= bytes.count && Array(bytes[start..<(start + needle.count)]) == needle
    }

    private static func find(_ text: String, in bytes: [UInt8], from start: Int, caseInsensitive: Bool = false) -> Int? {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, start + needle.count <= bytes.count else { return nil }
        for i in start...(bytes.count - needle.count) {
            var matched = true
            for (k, byte) in needle.enumerated() {
                let candidate = caseInsensitive ? bytes[i + k] | (isNameByte(bytes[i + k]) ? 0x20 : 0) : bytes[i + k]
                let wanted = caseInsensitive ? byte | (isNameByte(byte) ? 0x20 : 0) : byte
                if candidate != wanted {
                    matched = false
                    break
                }
            }
            if matched { return i }
        }
        return nil
    }
}
