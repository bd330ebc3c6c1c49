import NIOCore
import Testing
@testable import SlipwayProxy

/// What a framer made of a sequence of reads.
struct Framed {
    var heads: [ResponseHead] = []
    var body = ""
    var ended = false
    /// Bytes of the last read left unconsumed after `.end`.
    var leftover = 0
}

/// Feeds `reads` to a fresh framer as one response's bytes.
func frame(_ reads: [String], toHEAD: Bool = false, dataOnly: Bool = false, atClose: Bool = false) throws -> Framed {
    var framer = ResponseFramer()
    framer.expectResponse(toHEAD: toHEAD)
    var framed = Framed()
    for read in reads {
        var buffer = ByteBuffer(string: read)
        while !framed.ended, let part = try framer.next(&buffer) {
            switch part {
            case .head(let head):
                framed.heads.append(head)
                if !head.isInformational && dataOnly { framer.keepsChunkFraming = false }
            case .body(let bytes):
                framed.body += String(buffer: bytes)
            case .end:
                framed.ended = true
            }
        }
        framed.leftover = buffer.readableBytes
    }
    if atClose, !framed.ended, case .end? = try framer.endOfInput() { framed.ended = true }
    return framed
}

/// Every way of cutting `text` in two, plus one read per byte.
func splits(_ text: String) -> [[String]] {
    let bytes = Array(text.utf8)
    var result: [[String]] = (0...bytes.count).map { cut in
        [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
    }
    result.append(bytes.map { String(decoding: [$0], as: UTF8.self) })
    return result
}

@Suite struct ResponseFramerTests {
    static let chunkedBody = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-trailer: t\r\n\r\n"
    static let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunkedBody

    @Test func contentLengthBodySplitAnywhereIsFramedTheSame() throws {
        for reads in splits("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world") {
            let framed = try frame(reads)
            #expect(framed.heads.map(\.status) == [200])
            #expect(framed.heads.first?.framing == .length(11))
            #expect(framed.body == "hello world")
            #expect(framed.ended)
        }
    }

    @Test func chunkedBodySplitAtEveryByteIsForwardedVerbatim() throws {
        for reads in splits(Self.chunked) {
            let framed = try frame(reads)
            #expect(framed.heads.first?.framing == .chunked)
            #expect(framed.body == Self.chunkedBody)
            #expect(framed.ended)
            #expect(framed.leftover == 0)
        }
    }

    @Test func chunkedBodySplitAtEveryByteYieldsItsDataForHTTP10() throws {
        for reads in splits(Self.chunked) {
            let framed = try frame(reads, dataOnly: true)
            #expect(framed.body == "hello world")
            #expect(framed.ended)
        }
    }

    @Test func endOfChunkedBodyIsFoundWhateverTheNextResponseHolds() throws {
        let framed = try frame([Self.chunked + "HTTP/1.1 200 OK\r\n"])
        #expect(framed.ended)
        #expect(framed.leftover == "HTTP/1.1 200 OK\r\n".utf8.count)
    }

    @Test func headResponseHasNoBodyWhateverItsHeadersSay() throws {
        let framed = try frame(["HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n"], toHEAD: true)
        #expect(framed.heads.first?.framing == BodyFraming.none)
        #expect(framed.ended)
        let chunked = try frame(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"], toHEAD: true)
        #expect(chunked.ended)
        #expect(chunked.heads.first?.declaredChunked == true)
    }

    @Test func noContentAndNotModifiedHaveNoBody() throws {
        for status in ["204 No Content", "304 Not Modified"] {
            let framed = try frame(["HTTP/1.1 \(status)\r\nContent-Length: 5\r\n\r\n"])
            #expect(framed.ended)
            #expect(framed.body.isEmpty)
            #expect(framed.leftover == 0)
        }
    }

    @Test func informationalHeadsComeBeforeTheFinalOne() throws {
        for reads in splits("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok") {
            let framed = try frame(reads)
            #expect(framed.heads.map(\.status) == [100, 103, 201])
            #expect(framed.body == "ok")
            #expect(framed.ended)
        }
    }

    @Test func bodyWithoutLengthEndsWithTheConnection() throws {
        let framed = try frame(["HTTP/1.1 200 OK\r\n\r\nall of ", "this"], atClose: true)
        #expect(framed.heads.first?.framing == .untilClose)
        #expect(framed.heads.first?.keepAlive == false)
        #expect(framed.body == "all of this")
        #expect(framed.ended)
    }

    @Test func closeInTheMiddleOfABodyIsAnError() throws {
        var framer = ResponseFramer()
        framer.expectResponse(toHEAD: false)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        while try framer.next(&buffer) != nil {}
        #expect(throws: FramingError(.truncatedMessage)) { try framer.endOfInput() }
    }

    @Test func closeBeforeAnyByteIsNotAResponse() throws {
        var framer = ResponseFramer()
        framer.expectResponse(toHEAD: false)
        #expect(framer.awaitsHead)
        #expect(try framer.endOfInput() == nil)
    }

    @Test func bytesWhenNoResponseIsExpectedAreRefused() throws {
        var framer = ResponseFramer()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        #expect(throws: FramingError(.unexpectedBytes)) { try framer.next(&buffer) }
    }

    @Test func keepAliveFollowsVersionAndConnection() throws {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true),
        ]
        for (text, keepAlive) in cases {
            #expect(try frame([text]).heads.first?.keepAlive == keepAlive, "\(text)")
        }
    }

    @Test func repeatedEqualContentLengthIsAccepted() throws {
        let framed = try frame(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok"])
        #expect(framed.body == "ok")
    }

    @Test func statusLineWithoutReasonIsAccepted() throws {
        #expect(try frame(["HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"]).ended)
        #expect(try frame(["HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"]).ended)
    }

    /// Each of these is refused, whichever way its bytes are split into reads.
    static let refused: [(String, FramingError.Code)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", .contentLengthWithTransferEncoding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", .conflictingContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded\r\nContent-Length: 0\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .bareLineFeed),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", .bareLineFeed),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", .bareLineFeed),
        ("HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n", .bareCarriageReturn),
        ("HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\nContent-Length: 0\r\n\r\n", .invalidHeaderValue),
        ("HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\n: 1\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", .invalidHeaderName),
        ("HTTP/2.0 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n", .invalidStatusLine),
        ("http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", .invalidStatusLine),
        ("\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", .switchingProtocols),
        (chunkedHead + "zz\r\n", .invalidChunkSize),
        (chunkedHead + "\r\n", .invalidChunkSize),
        (chunkedHead + "5\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        (chunkedHead + "1000000000000000\r\n", .invalidChunkSize),
        (chunkedHead + "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        (chunkedHead + "5\rxhello\r\n0\r\n\r\n", .bareCarriageReturn),
        (chunkedHead + "5\r\nhelloX\r\n0\r\n\r\n", .invalidChunkFraming),
        (chunkedHead + "5\r\nhello\n0\r\n\r\n", .invalidChunkFraming),
        (chunkedHead + "0\r\n\n", .bareLineFeed),
        (chunkedHead + "0\r\nx: y\n\r\n", .bareLineFeed),
        (chunkedHead + "0\r\n folded\r\n\r\n", .obsoleteLineFolding),
        (chunkedHead + "2;a\u{1}\r\n", .invalidChunkFraming),
    ]
    static let chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test(arguments: refused.indices)
    func malformedResponseIsRefused(_ index: Int) {
        let (text, code) = Self.refused[index]
        for reads in splits(text) {
            #expect(throws: FramingError(code), "\(text.debugDescription) in \(reads.count) reads") {
                try frame(reads)
            }
        }
    }

    @Test func headLargerThanTheLimitIsRefused() {
        let big = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: ResponseFramer.maxHeadSize) + "\r\n\r\n"
        #expect(throws: FramingError(.headTooLarge)) { try frame([big]) }
        // Also when it never ends: the framer stops buffering at the limit.
        let reads = Array(repeating: String(repeating: "a", count: 8192), count: 9)
        #expect(throws: FramingError(.headTooLarge)) { try frame(["HTTP/1.1 200 OK\r\nX-Big: "] + reads) }
    }
}
