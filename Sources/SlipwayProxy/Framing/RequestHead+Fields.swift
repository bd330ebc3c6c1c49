/// Reading a header's value out of a parsed request head, for the few decisions the proxy makes
/// on one: only when a decision needs it (a maintenance page, a preview header, a sticky cookie),
/// so the request path of a plain route reads no header but `Host`.
extension RequestHead {
    /// The values of every header line named `name` (a lowercased name), in order, without the
    /// optional whitespace around them.
    func values(of name: String) -> [Substring] {
        var values: [Substring] = []
        bytes.withUnsafeReadableBytes { p in
            var start = headerStart
            while p[start] != HTTPSyntax.cr {
                let end = HeadLines.lineEnd(p, from: start)
                let colon = HeadLines.colon(p, from: start)
                if Self.nameEquals(p[start..<colon], name) {
                    let text = String(decoding: UnsafeRawBufferPointer(rebasing: p[(colon + 1)..<(end - 2)]), as: UTF8.self)
                    values.append(text.trimmingWhitespace())
                }
                start = end
            }
        }
        return values
    }

    /// Whether the client names `text/html` in `Accept` (browsers do; curl's `*/*` gets text).
    var acceptsHTML: Bool {
        values(of: "accept").contains { $0.lowercased().contains("text/html") }
    }

    /// The value of the cookie `name` in the request's `Cookie` headers (RFC 6265 §5.4: pairs
    /// separated by `; `), the first one sent.
    func cookie(_ name: String) -> Substring? {
        for header in values(of: "cookie") {
            for pair in header.split(separator: ";") {
                let pair = pair.trimmingWhitespace()
                guard let equals = pair.firstIndex(of: "="), pair[..<equals] == name else { continue }
                var value = pair[pair.index(after: equals)...]
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                return value
            }
        }
        return nil
    }

    private static func nameEquals(_ bytes: UnsafeRawBufferPointer.SubSequence, _ lowercased: String) -> Bool {
        guard bytes.count == lowercased.utf8.count else { return false }
        return zip(bytes, lowercased.utf8).allSatisfy { byte, expected in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
        }
    }
}

extension StringProtocol {
    /// Without the spaces and tabs (HTTP's optional whitespace) at either end.
    func trimmingWhitespace() -> Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return text[first...last]
    }
}
