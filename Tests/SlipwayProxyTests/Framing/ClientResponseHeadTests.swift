import NIOCore
import NIOHTTP1
import SlipwayModel
import Testing
@testable import SlipwayProxy

@Suite struct ClientResponseHeadTests {
    private func rewrite(
        _ text: String,
        version: HTTPVersion = .http1_1,
        method: HTTPMethod = .GET,
        keepAlive: Bool = true,
        forceClose: Bool = false
    ) throws -> ClientResponseHead {
        let head = try #require(try frame([text], toHEAD: method == .HEAD).heads.last)
        let request = ClientRequest(method: method, version: version, keepAlive: keepAlive)
        return ClientResponseHead(head, to: request, forceClose: forceClose, allocator: ByteBufferAllocator())
    }

    @Test func hopByHopLinesAndTheOnesConnectionNamesAreDropped() throws {
        let head = try rewrite("""
            HTTP/1.1 200 OK\r
            Connection: keep-alive, X-Secret\r
            Keep-Alive: timeout=5\r
            X-Secret: s\r
            Upgrade: h2c\r
            Proxy-Authenticate: Basic\r
            Trailer: x\r
            Content-Type: text/plain\r
            x-secret-not: kept\r
            Content-Length: 2\r
            \r

            """)
        #expect(String(buffer: head.bytes) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nx-secret-not: kept\r\nContent-Length: 2\r\n\r\n")
        #expect(!head.close)
        #expect(!head.dechunk)
    }

    @Test func http10ClientGetsItsVersionAndKeepAlive() throws {
        let head = try rewrite("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", version: .http1_0)
        #expect(String(buffer: head.bytes) == "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nconnection: keep-alive\r\n\r\n")
        #expect(!head.close)
    }

    @Test func chunkedBodyKeepsItsFramingForHTTP11() throws {
        let head = try rewrite("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(String(buffer: head.bytes) == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        #expect(!head.close)
        #expect(!head.dechunk)
    }

    @Test func chunkedBodyToHTTP10IsDechunkedAndEndsWithTheConnection() throws {
        let head = try rewrite("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", version: .http1_0)
        #expect(String(buffer: head.bytes) == "HTTP/1.0 200 OK\r\nconnection: close\r\n\r\n")
        #expect(head.close)
        #expect(head.dechunk)
    }

    @Test func headResponseToHTTP10KeepsTheConnection() throws {
        let head = try rewrite("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", version: .http1_0, method: .HEAD)
        #expect(!head.close)
        #expect(!head.dechunk)
    }

    @Test func bodyDelimitedByCloseClosesTheClient() throws {
        let head = try rewrite("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        #expect(String(buffer: head.bytes) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nconnection: close\r\n\r\n")
        #expect(head.close)
    }

    @Test func clientCloseOrForcedCloseSaysSo() throws {
        for (keepAlive, force) in [(false, false), (true, true)] {
            let head = try rewrite("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", keepAlive: keepAlive, forceClose: force)
            #expect(head.close)
            #expect(String(buffer: head.bytes).hasSuffix("connection: close\r\n\r\n"))
        }
    }

    @Test func informationalHeadNeverCloses() throws {
        let head = try rewrite("HTTP/1.1 100 Continue\r\n\r\n", keepAlive: false)
        #expect(String(buffer: head.bytes) == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(!head.close)
    }
}

@Suite struct UpstreamRequestTests {
    private func encode(_ head: HTTPRequestHead) -> (text: String, chunked: Bool) {
        let encoded = ForwardedHeaders.upstreamRequest(
            head,
            clientAddress: "192.0.2.1",
            upstream: Upstream(host: "127.0.0.1", port: 9000, releaseID: "r1"),
            allocator: ByteBufferAllocator()
        )
        return (String(buffer: encoded.head), encoded.chunked)
    }

    @Test func headIsHTTP11WithForwardingHeaders() {
        let (text, chunked) = encode(HTTPRequestHead(version: .http1_0, method: .GET, uri: "/a?b=1", headers: [
            "Host": "app.test", "Connection": "keep-alive, X-Hop", "X-Hop": "1", "X-Forwarded-For": "203.0.113.7", "Accept": "*/*",
        ]))
        #expect(text == "GET /a?b=1 HTTP/1.1\r\nHost: app.test\r\nAccept: */*\r\nx-forwarded-for: 203.0.113.7, 192.0.2.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: app.test\r\n\r\n")
        #expect(!chunked)
    }

    @Test func chunkedBodyIsDeclaredAndAbsentBodySaidExplicitly() {
        let chunked = encode(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: ["Transfer-Encoding": "chunked"]))
        #expect(chunked.chunked)
        #expect(chunked.text.contains("\r\ntransfer-encoding: chunked\r\n"))
        #expect(chunked.text.contains("\r\nhost: 127.0.0.1:9000\r\n"))
        let empty = encode(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: [:]))
        #expect(empty.text.contains("\r\ncontent-length: 0\r\n"))
    }

    @Test func chunkSizeLinesAreHex() {
        for (size, line) in [(1, "1\r\n"), (15, "f\r\n"), (16, "10\r\n"), (65536, "10000\r\n"), (0xabcdef, "abcdef\r\n")] {
            var buffer = ByteBuffer()
            ChunkEncoding.writeSizeLine(size, to: &buffer)
            #expect(String(buffer: buffer) == line)
        }
        var trailers = HTTPHeaders()
        trailers.add(name: "x-sum", value: "1")
        #expect(String(buffer: ChunkEncoding.lastChunk(trailers: trailers, allocator: ByteBufferAllocator())) == "0\r\nx-sum: 1\r\n\r\n")
        #expect(String(buffer: ChunkEncoding.lastChunk(trailers: nil, allocator: ByteBufferAllocator())) == "0\r\n\r\n")
    }
}
