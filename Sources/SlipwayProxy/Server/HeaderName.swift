/// Recognises the header names the proxy treats specially, without allocating: every header of
/// every request and response passes through here.
enum HeaderName: Equatable {
    /// Describes one connection, never forwarded (RFC 9110 §7.6.1, and the list Go's
    /// `httputil.ReverseProxy`, hence kamal-proxy, strips).
    case hopByHop
    /// Hop-by-hop too; the proxy refuses upgrades other than `h2c`.
    case upgrade
    case connection
    case expect
    case transferEncoding
    case host
    case contentLength
    case forwardedFor
    /// `X-Forwarded-Proto` and `X-Forwarded-Host`: the proxy states them itself.
    case forwardedOther

    static func classify(_ name: String) -> HeaderName? {
        classify(bytes: name.utf8)
    }

    /// The same for a name read in place from a message's bytes.
    @inline(__always)
    static func classify<Bytes: Collection<UInt8>>(bytes utf8: Bytes) -> HeaderName? {
        switch utf8.count {
        case 2: return equal(utf8, "te") ? .hopByHop : nil
        case 4: return equal(utf8, "host") ? .host : nil
        case 6: return equal(utf8, "expect") ? .expect : nil
        case 7:
            if equal(utf8, "upgrade") { return .upgrade }
            return equal(utf8, "trailer") ? .hopByHop : nil
        case 10:
            if equal(utf8, "connection") { return .connection }
            return equal(utf8, "keep-alive") ? .hopByHop : nil
        case 14: return equal(utf8, "content-length") ? .contentLength : nil
        case 15: return equal(utf8, "x-forwarded-for") ? .forwardedFor : nil
        case 16:
            if equal(utf8, "proxy-connection") { return .hopByHop }
            return equal(utf8, "x-forwarded-host") ? .forwardedOther : nil
        case 17:
            if equal(utf8, "transfer-encoding") { return .transferEncoding }
            return equal(utf8, "x-forwarded-proto") ? .forwardedOther : nil
        case 18: return equal(utf8, "proxy-authenticate") ? .hopByHop : nil
        case 19: return equal(utf8, "proxy-authorization") ? .hopByHop : nil
        default: return nil
        }
    }

    /// ASCII case-insensitive equality with a lowercase name of the same length.
    static func equal<Bytes: Collection<UInt8>>(_ name: Bytes, _ lowercased: StaticString) -> Bool {
        guard name.count == lowercased.utf8CodeUnitCount else { return false }
        return lowercased.withUTF8Buffer { expected in
            var i = 0
            for byte in name {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                if lower != expected[i] { return false }
                i += 1
            }
            return true
        }
    }
}
