/// Walking the lines of a head that `MessageHeadFields` has validated: every line ends with CRLF,
/// every header line has a colon, the last line is empty.
enum HeadLines {
    /// The index after the CRLF ending the line that starts at `start`.
    @inline(__always)
    static func lineEnd(_ p: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while p[i] != HTTPSyntax.lf { i += 1 }
        return i + 1
    }

    /// The colon of the header line that starts at `start`.
    @inline(__always)
    static func colon(_ p: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while p[i] != UInt8(ascii: ":") { i += 1 }
        return i
    }

    /// Where the header names listed in `Connection` headers are (other than `close` and
    /// `keep-alive`), for the header lines from `start`; nil when there are none, as in nearly
    /// every message.
    static func connectionNamedHeaders(_ p: UnsafeRawBufferPointer, from start: Int) -> [Range<Int>]? {
        var named: [Range<Int>]?
        var start = start
        while p[start] != HTTPSyntax.cr {
            let end = lineEnd(p, from: start)
            let colon = colon(p, from: start)
            if HeaderName.classify(bytes: p[start..<colon]) == .connection {
                HTTPSyntax.forEachListElement(p[(colon + 1)..<(end - 2)]) { token in
                    if !HeaderName.equal(token, "close") && !HeaderName.equal(token, "keep-alive") {
                        named = (named ?? []) + [token.startIndex..<token.endIndex]
                    }
                }
            }
            start = end
        }
        return named
    }

    /// Whether the header `name` is one of `named` (ASCII case-insensitive).
    static func isNamed(_ name: UnsafeRawBufferPointer.SubSequence, in named: [Range<Int>], of p: UnsafeRawBufferPointer) -> Bool {
        named.contains { range in
            let token = p[range]
            guard token.count == name.count else { return false }
            return zip(token, name).allSatisfy { x, y in
                x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
            }
        }
    }
}
