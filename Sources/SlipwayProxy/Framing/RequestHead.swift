import NIOCore
import NIOHTTP1

/// A request head as the client sent it, with what routing, framing and forwarding need. It is
/// never turned into `HTTPRequestHead`/`HTTPHeaders`: the upstream gets these bytes with only
/// the proxy's changes (`ForwardedHeaders`).
struct RequestHead {
    var method: HTTPMethod
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    /// The request target as sent: origin form (`/a?b`), absolute form, authority or `*`.
    var target: String
    var host: String?
    var upgrade: String?
    var framing: BodyFraming
    /// A Content-Length header is present (possibly 0).
    var hasContentLength: Bool
    /// The client keeps the connection open after this exchange.
    var keepAlive: Bool
    /// `Expect: 100-continue`: a client that may hold its body back until told to send it.
    var expectsContinue: Bool
    var connectionNamesHeaders: Bool
    /// Request line through the empty line, as received.
    var bytes: ByteBuffer
    /// Where the header lines start in `bytes` (after the request line's CRLF).
    var headerStart: Int

    var version: HTTPVersion { HTTPVersion(major: 1, minor: minorVersion) }
}

extension RequestHead {
    /// Parses a complete head (`HeadAccumulator` found its end and refused bare LFs). Request line
    /// as RFC 9112 §3: a token method, one space, a target of visible characters in one of the
    /// forms of §3.2, one space, `HTTP/1.0` or `HTTP/1.1`. Header rules: `MessageHeadFields`, plus
    /// exactly one Host from an HTTP/1.1 client and at most one from an HTTP/1.0 one (RFC 9112
    /// §3.2: a server MUST answer 400 otherwise; HTTP/1.0 had no Host), and no Transfer-Encoding
    /// from an HTTP/1.0 client (RFC 9112 §6.1: it can't have meant it).
    static func parse(_ bytes: ByteBuffer) throws -> RequestHead {
        try bytes.withUnsafeReadableBytes { p in
            var i = 0
            while HTTPSyntax.isTokenChar(p[i]) { i += 1 }
            guard i > 0, p[i] == HTTPSyntax.space else { throw FramingError(.invalidRequestLine) }
            let method = Self.method(p[0..<i])
            i += 1
            let targetStart = i
            // Visible ASCII and obs-text; no space, no control character.
            while p[i] > 0x20 && p[i] != 0x7F { i += 1 }
            guard i > targetStart, p[i] == HTTPSyntax.space, i + 11 <= p.count,
                  Self.hasTargetForm(p[targetStart..<i], connect: method == .CONNECT)
            else { throw FramingError(.invalidRequestLine) }
            let target = String(decoding: UnsafeRawBufferPointer(rebasing: p[targetStart..<i]), as: UTF8.self)
            let v = i + 1
            guard p[v] == UInt8(ascii: "H"), p[v + 1] == UInt8(ascii: "T"), p[v + 2] == UInt8(ascii: "T"),
                  p[v + 3] == UInt8(ascii: "P"), p[v + 4] == UInt8(ascii: "/"), p[v + 5] == UInt8(ascii: "1"),
                  p[v + 6] == UInt8(ascii: "."), p[v + 7] == UInt8(ascii: "0") || p[v + 7] == UInt8(ascii: "1"),
                  p[v + 8] == HTTPSyntax.cr, p[v + 9] == HTTPSyntax.lf
            else { throw FramingError(.invalidRequestLine) }
            let minor = Int(p[v + 7] - UInt8(ascii: "0"))
            var fields = MessageHeadFields()
            try fields.read(p, from: v + 10, request: true)
            if fields.transferEncoding && minor == 0 { throw FramingError(.transferEncodingInHTTP10) }
            if fields.host == nil && minor == 1 { throw FramingError(.missingHost) }
            let framing: BodyFraming
            if fields.chunked {
                framing = .chunked
            } else if let length = fields.contentLength, length > 0 {
                framing = .length(length)
            } else {
                // A request without either has no body (RFC 9112 §6.3, rule 7).
                framing = .none
            }
            return RequestHead(
                method: method,
                minorVersion: minor,
                target: target,
                host: fields.host.map { String(decoding: UnsafeRawBufferPointer(rebasing: p[$0]), as: UTF8.self) },
                upgrade: fields.upgrade.map { String(decoding: UnsafeRawBufferPointer(rebasing: p[$0]), as: UTF8.self) },
                framing: framing,
                hasContentLength: fields.contentLength != nil,
                keepAlive: minor == 1 ? !fields.close : (fields.keepAlive && !fields.close),
                expectsContinue: fields.expectsContinue,
                connectionNamesHeaders: fields.connectionNamesHeaders,
                bytes: bytes,
                headerStart: v + 10
            )
        }
    }

    /// One of RFC 9112 §3.2's forms: origin (`/…`), absolute (`scheme://…`), `*`, or for CONNECT
    /// authority. A target that is none of them (`a/b`) is refused, as llhttp does.
    private static func hasTargetForm(_ target: UnsafeRawBufferPointer.SubSequence, connect: Bool) -> Bool {
        let first = target[target.startIndex]
        if first == UInt8(ascii: "/") || connect { return true }
        if first == UInt8(ascii: "*") { return target.count == 1 }
        // A scheme: a letter, then letters, digits, `+`, `-` or `.`; then `://`.
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard isLetter(first) else { return false }
        var i = target.startIndex + 1
        while i < target.endIndex, isLetter(target[i]) || (target[i] >= UInt8(ascii: "0") && target[i] <= UInt8(ascii: "9"))
            || target[i] == UInt8(ascii: "+") || target[i] == UInt8(ascii: "-") || target[i] == UInt8(ascii: ".") {
            i += 1
        }
        return target.endIndex - i >= 3 && target[i] == UInt8(ascii: ":") && target[i + 1] == UInt8(ascii: "/")
            && target[i + 2] == UInt8(ascii: "/")
    }

    /// Methods are case-sensitive (RFC 9110 §9.1): `get` is not `GET`.
    private static func method(_ name: UnsafeRawBufferPointer.SubSequence) -> HTTPMethod {
        func equal(_ literal: StaticString) -> Bool {
            name.count == literal.utf8CodeUnitCount && literal.withUTF8Buffer { name.elementsEqual($0) }
        }
        switch name.count {
        case 3:
            if equal("GET") { return .GET }
            if equal("PUT") { return .PUT }
        case 4:
            if equal("POST") { return .POST }
            if equal("HEAD") { return .HEAD }
        case 5:
            if equal("PATCH") { return .PATCH }
            if equal("TRACE") { return .TRACE }
        case 6:
            if equal("DELETE") { return .DELETE }
        case 7:
            if equal("OPTIONS") { return .OPTIONS }
            if equal("CONNECT") { return .CONNECT }
        default:
            break
        }
        return HTTPMethod(rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: name), as: UTF8.self))
    }
}
