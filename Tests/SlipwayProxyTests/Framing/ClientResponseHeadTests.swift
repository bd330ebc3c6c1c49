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

    @Test func connectionNeverNamesContentLengthAway() throws {
        let head = try rewrite("HTTP/1.1 200 OK\r\nConnection: Content-Length, x-a\r\nContent-Length: 2\r\nX-A: 1\r\n\r\n")
        #expect(String(buffer: head.bytes) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
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
