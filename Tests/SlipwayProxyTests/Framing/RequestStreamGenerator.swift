/// SplitMix64 (Steele, Lea and Flood, 2014): the whole state is one 64-bit word, so a case
/// reproduces from the seed printed with it, on any platform and Swift version.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte streams a client could send on one connection: one to three pipelined requests, mostly
/// valid, bent where request smuggling lives (Content-Length, Transfer-Encoding, chunk framing,
/// header syntax, line endings), then sometimes mutated byte by byte.
///
/// Methods are only those llhttp knows (and never CONNECT, nor `Connection: upgrade`): the framer
/// keeps extension methods by design, and an upgrade makes llhttp stop reading, which says nothing
/// about framing. Bodies often hold a whole request, so a boundary read differently shows up as a
/// different next request.
struct RequestStreamGenerator {
    var rng: SplitMix64

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    mutating func stream() -> [UInt8] {
        var bytes: [UInt8] = []
        if chance(1, 40) { bytes += Array("\r\n".utf8) }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            bytes += request()
        }
        if chance(1, 6) {
            for _ in 0..<Int.random(in: 1...3, using: &rng) { mutate(&bytes) }
        }
        return bytes
    }

    // MARK: - One request

    private enum Body: CaseIterable {
        case none, contentLength, chunked, both
    }

    private mutating func request() -> [UInt8] {
        let body = pick([Body.none, .none, .contentLength, .contentLength, .chunked, .chunked, .both])
        let method = body == .none
            ? pick(["GET", "GET", "HEAD", "DELETE", "OPTIONS", "POST"])
            : pick(["POST", "POST", "PUT", "PATCH", "GET"])
        let target = chance(1, 15)
            ? pick(["*", "http://h/x?y", "/a%20b", "/\u{7F}", "/a\tb", "/ü", "/a b", "", "/a?b=c#f"])
            : pick(["/", "/a", "/a/b?c=d", "/x?q=1&r=2"])
        let version = chance(1, 25)
            ? pick(["HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/1.10", "HTTP/0.9"])
            : chance(1, 8) ? "HTTP/1.0" : "HTTP/1.1"
        let separator = chance(1, 40) ? pick(["  ", "\t"]) : " "

        var lines = ["\(method)\(separator)\(target) \(version)"]
        var headers: [String] = []
        if !chance(1, 10) { headers.append(pick(["Host: h", "host: h", "HOST:h", "Host: h:8080"])) }
        if chance(1, 40) { headers.append("Host: other") }
        for _ in 0..<Int.random(in: 0...2, using: &rng) { headers.append(benignHeader()) }
        if version == "HTTP/1.0" && chance(1, 3) { headers.append("Connection: keep-alive") }
        if chance(1, 30) { headers.append("Connection: close") }

        var payload: [UInt8] = []
        switch body {
        case .none:
            if chance(1, 6) { payload = bodyBytes() }
        case .contentLength:
            payload = bodyBytes()
            headers += contentLengthHeaders(payload.count)
        case .chunked:
            headers += transferEncodingHeaders()
            payload = chunkedBody()
        case .both:
            let chunked = chunkedBody()
            let te = transferEncodingHeaders()
            let cl = contentLengthHeaders(chance(1, 2) ? chunked.count : 0)
            headers += chance(1, 2) ? te + cl : cl + te
            payload = chunked
        }
        headers.shuffle(using: &rng)
        if chance(1, 30), !headers.isEmpty {
            // obs-fold: a continuation line.
            let i = Int.random(in: 0..<headers.count, using: &rng)
            headers[i] += pick(["\r\n chunked", "\r\n\tx", "\r\n 5"])
        }
        lines += headers
        var head = lines.joined(separator: "\r\n") + "\r\n\r\n"
        if chance(1, 20) {
            head = bendLineEnding(head)
        }
        return Array(head.utf8) + payload
    }

    private mutating func benignHeader() -> String {
        let name = chance(1, 25)
            ? pick(["X Id", "X-Id ", "X-Id\t", "X(Id)", "", "X-Id\u{0}", " X-Id", "Ü"])
            : pick(["X-Id", "Accept", "User-Agent", "X-Forwarded-For", "Expect"])
        let value = chance(1, 25)
            ? pick(["a\u{0}b", "a\u{1}b", "a\u{7F}b", "a\rb", "\u{FF}", "é", "a\tb", " padded ", "\t", ""])
            : pick(["1", "text/html", "curl/8", "10.0.0.1", "100-continue"])
        return "\(name):\(chance(1, 5) ? "" : " ")\(value)"
    }

    private mutating func bodyBytes() -> [UInt8] {
        if chance(1, 4) {
            // A request inside the body: read as one if a boundary is misplaced.
            return Array(pick(["GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n", "0\r\n\r\nGET /s HTTP/1.1\r\n\r\n"]).utf8)
        }
        let length = pick([0, 1, 5, 11, 16])
        return (0..<length).map { _ in pick(Array("abcXYZ019 \r\n:;".utf8)) }
    }

    private mutating func contentLengthHeaders(_ length: Int) -> [String] {
        let name = chance(1, 15)
            ? pick(["Content-Length ", "Content-Length\t", "Content_Length", "Content-Lengt", "Content-Length\u{0}"])
            : pick(["Content-Length", "content-length", "CONTENT-LENGTH"])
        let value = chance(1, 5) ? contentLengthValue(length) : "\(length)"
        var headers = ["\(name): \(value)"]
        if chance(1, 8) {
            headers.append("Content-Length: \(chance(1, 2) ? "\(length)" : contentLengthValue(length))")
        }
        return headers
    }

    private mutating func contentLengthValue(_ length: Int) -> String {
        pick([
            "0\(length)", "00\(length)", "+\(length)", "-\(length)", " \(length) ", "\t\(length)", "\(length), \(length)",
            "\(length),\(length)", "\(length), \(length + 1)", ",\(length)", "\(length),", "0x\(length)", "\(length).0",
            "", "\(length) \(length)", "\(length + 1)", "\(max(0, length - 1))", "0", "99999999999999999999",
            "18446744073709551616", "9223372036854775807", "999999999999999999", "1e3", "\(length);", "\"\(length)\"",
        ])
    }

    private mutating func transferEncodingHeaders() -> [String] {
        let name = chance(1, 15)
            ? pick(["Transfer-Encoding ", "Transfer_Encoding", "Transfer-Encodin", " Transfer-Encoding"])
            : pick(["Transfer-Encoding", "transfer-encoding", "TRANSFER-ENCODING"])
        let value = chance(1, 5)
            ? pick([
                "Chunked", "CHUNKED", "chunked, chunked", "gzip, chunked", "chunked, gzip", "identity", "identity, chunked",
                " chunked", "chunked ", "\tchunked", "xchunked", "chunkedx", "chunked;q=1", ",chunked", "chunked,",
                "\"chunked\"", "", "chunk ed", "gzip,chunked", "chunked,,", "chunked\u{0}",
                "chunked\t", "chunked \t", "gzip, chunked\t", "gzip,\tchunked",
            ])
            : "chunked"
        var headers = ["\(name): \(value)"]
        if chance(1, 10) {
            headers.insert("Transfer-Encoding: \(pick(["gzip", "chunked", "identity"]))", at: chance(1, 2) ? 0 : 1)
        }
        return headers
    }

    private mutating func chunkedBody() -> [UInt8] {
        var text = ""
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let data = (0..<pick([1, 3, 10, 16, 26])).map { _ in pick(Array("abcdefXYZ\r\n".utf8)) }
            text += chunkSize(data.count) + chunkExtension() + "\r\n"
            text += String(decoding: data, as: UTF8.self)
            text += chance(1, 20) ? pick(["\n", "\r", "", "X\r\n", "\r\n\r\n"]) : "\r\n"
        }
        text += (chance(1, 10) ? pick(["00", "000", "0000000000000000", "0x0", " 0"]) : "0") + chunkExtension() + "\r\n"
        if chance(1, 5) {
            text += pick(["X-Trailer: t", "x: y", "Content-Length: 5", "x : y", "nocolon", "x: a\u{1}b", " x: y", ": y", "x:y"]) + "\r\n"
        }
        text += chance(1, 20) ? pick(["\n", "\r", "", "X"]) : "\r\n"
        return Array(text.utf8)
    }

    private mutating func chunkSize(_ size: Int) -> String {
        let hex = String(size, radix: 16, uppercase: chance(1, 2))
        guard chance(1, 8) else { return hex }
        return pick([
            "0" + hex, "000" + hex, String(repeating: "0", count: 14) + hex, String(repeating: "0", count: 20) + hex,
            "0x" + hex, "+" + hex, "-" + hex, " " + hex, hex + " ", hex + "\t", "ffffffffffffffffff", "1" + String(repeating: "0", count: 16),
            "g", "", hex + "\u{0}",
        ])
    }

    private mutating func chunkExtension() -> String {
        guard chance(1, 6) else { return "" }
        return pick([
            ";a", ";a=b", ";a=\"q\"", ";a=\"q;r\"", "; a=b", " ;a", ";a=b;c", ";", ";=b", ";a=", ";a b", ";a=b c",
            ";a=\"unterminated", ";a=\u{1}", ";a=\u{FF}", ";a\u{7F}", ";a=\"x\\\"y\"", ";;", ";a=b\t",
        ])
    }

    /// One line ending of the head made a bare LF or CR, or an LF doubled.
    private mutating func bendLineEnding(_ head: String) -> String {
        var bytes = Array(head.utf8)
        let ends = bytes.indices.filter { bytes[$0] == HTTPByte.cr }
        guard let at = ends.randomElement(using: &rng) else { return head }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: bytes.remove(at: at)
        case 1: bytes.remove(at: at + 1)
        default: bytes.insert(HTTPByte.lf, at: at)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Byte mutations

    private mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        let interesting: [UInt8] = [0x20, 0x09, 0x0D, 0x0A, 0x3A, 0x2C, 0x3B, 0x00, 0x01, 0x7F, 0x80, 0xFF, 0x30, 0x61, 0x22]
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes[at] = pick(interesting)
        case 1: bytes.insert(pick(interesting), at: at)
        case 2: bytes.remove(at: at)
        default: bytes.insert(bytes[at], at: at)
        }
    }

    // MARK: - Randomness

    private mutating func chance(_ numerator: Int, _ denominator: Int) -> Bool {
        Int.random(in: 0..<denominator, using: &rng) < numerator
    }

    private mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0..<choices.count, using: &rng)]
    }
}

enum HTTPByte {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
}

/// `bytes` quoted for a failure message: printable ASCII as is, `\r \n \t`, any other byte `\xNN`.
func escaped(_ bytes: some Collection<UInt8>) -> String {
    var text = "\""
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\r"): text += "\\r"
        case UInt8(ascii: "\n"): text += "\\n"
        case UInt8(ascii: "\t"): text += "\\t"
        case UInt8(ascii: "\""): text += "\\\""
        case UInt8(ascii: "\\"): text += "\\\\"
        case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
        default: text += (byte < 0x10 ? "\\x0" : "\\x") + String(byte, radix: 16, uppercase: true)
        }
    }
    return text + "\""
}
