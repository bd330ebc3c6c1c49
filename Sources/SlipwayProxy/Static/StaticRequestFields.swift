/// The five request headers a static answer depends on, read in one pass over the head (each
/// `RequestHead.values(of:)` is a pass of its own); a header a request does not send costs nothing.
struct StaticRequestFields {
    var acceptEncoding: [Substring] = []
    var ifNoneMatch: [Substring] = []
    var ifModifiedSince: Substring?
    var range: Substring?
    var ifRange: Substring?

    init(_ head: RequestHead) {
        head.bytes.withUnsafeReadableBytes { p in
            var start = head.headerStart
            while p[start] != HTTPSyntax.cr {
                let end = HeadLines.lineEnd(p, from: start)
                let colon = HeadLines.colon(p, from: start)
                // Only names starting with a, i or r can be one of the five: most lines stop here.
                let first = p[start] | 0x20
                if first == UInt8(ascii: "a") || first == UInt8(ascii: "i") || first == UInt8(ascii: "r"),
                   let field = Self.field(p[start..<colon]) {
                    let value = String(decoding: UnsafeRawBufferPointer(rebasing: p[(colon + 1)..<(end - 2)]), as: UTF8.self)
                        .trimmingWhitespace()
                    switch field {
                    case .acceptEncoding: acceptEncoding.append(value)
                    case .ifNoneMatch: ifNoneMatch.append(value)
                    case .ifModifiedSince: if ifModifiedSince == nil { ifModifiedSince = value }
                    case .range: if range == nil { range = value }
                    case .ifRange: if ifRange == nil { ifRange = value }
                    }
                }
                start = end
            }
        }
    }

    private enum Field: CaseIterable {
        case acceptEncoding, ifNoneMatch, ifModifiedSince, range, ifRange

        var name: String {
            switch self {
            case .acceptEncoding: "accept-encoding"
            case .ifNoneMatch: "if-none-match"
            case .ifModifiedSince: "if-modified-since"
            case .range: "range"
            case .ifRange: "if-range"
            }
        }
    }

    private static func field(_ bytes: UnsafeRawBufferPointer.SubSequence) -> Field? {
        Field.allCases.first { field in
            field.name.utf8.count == bytes.count && zip(bytes, field.name.utf8).allSatisfy { byte, expected in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
            }
        }
    }
}
