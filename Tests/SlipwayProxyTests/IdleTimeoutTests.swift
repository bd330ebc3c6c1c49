import Foundation
import NIOCore
import NIOPosix
import SlipwayModel
import SlipwayTestSupport
import Synchronization
import Testing
@testable import SlipwayProxy

/// A client connection whose client makes no progress is closed after the idle timeout: idle
/// keep-alive connections, heads or bodies that stop arriving (slowloris) and responses nobody reads
/// don't hold descriptors, and upstream connections, for ever.
@Suite struct IdleTimeoutTests {
    static let timeout = Duration.milliseconds(300)

    @Test func aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() async throws {
        try await withProxy(clientIdleTimeout: Self.timeout) { proxy, _ in
            let port = try await proxy.localAddress().port
            let started = ContinuousClock.now
            let answer = try await within(.seconds(10)) { try await RawHTTP.exchange(port: port, "") }
            #expect(answer == "")
            #expect(ContinuousClock.now - started >= Self.timeout)
        }
    }

    @Test func aHeadThatNeverEndsIsDroppedWithTheConnection() async throws {
        try await withProxyToWeb(clientIdleTimeout: Self.timeout) { _, client, web in
            let answer = try await within(.seconds(10)) {
                try await RawHTTP.exchange(port: client.port, "GET / HTTP/1.1\r\nHost: example.test\r\nX-Slow: 1\r\n")
            }
            #expect(answer == "")
            #expect(web.requestsReceived == 0)
        }
    }

    @Test func aRequestBodyThatStopsArrivingIsAnswered408AndItsUpstreamConnectionClosed() async throws {
        try await withProxyToWeb(clientIdleTimeout: Self.timeout) { _, client, web in
            let started = ContinuousClock.now
            let answer = try await within(.seconds(10)) {
                try await RawHTTP.exchange(port: client.port, "POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 100\r\n\r\n0123456789")
            }
            #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(answer)")
            #expect(answer.contains("connection: close\r\n"))
            #expect(answer.contains("the request body stopped arriving for 300ms"))
            #expect(ContinuousClock.now - started >= Self.timeout)
            // The upstream got the head and ten bytes; its connection, holding half a request, is closed.
            #expect(web.requestsReceived == 1)
            try await within(.seconds(10)) { await web.wait { $0.openConnections.isEmpty } }
            #expect(web.uploadedBytes == 0)
            #expect(web.responsesCompleted == 0)
        }
    }

    @Test func aClientThatStopsReadingItsResponseIsCutAndItsUpstreamConnectionClosed() async throws {
        try await withProxyToWeb(clientIdleTimeout: Self.timeout) { _, client, web in
            let size = 256 * 1024 * 1024
            let connection = try await RawConnection.open(port: client.port, reading: false)
            try await connection.send("GET /download/\(size) HTTP/1.1\r\nHost: example.test\r\n\r\n")
            // The proxy fills the client's socket, stops reading the upstream, and gives up once the
            // client has taken nothing for the timeout: the upstream connection goes with it.
            try await within(.seconds(10)) { await web.wait { $0.connectionsAccepted == 1 && $0.openConnections.isEmpty } }
            let received = try await within(.seconds(10)) { try await connection.readToEnd() }
            #expect(received > 0)
            #expect(received < size, "cut, not delivered whole")
            #expect(web.responsesCompleted == 0)
        }
    }

    @Test func aSlowButSteadyReaderIsNotCut() async throws {
        try await withProxyToWeb(clientIdleTimeout: .seconds(1)) { _, client, web in
            let size = 8 * 1024 * 1024
            let connection = try await RawConnection.open(port: client.port, reading: false)
            try await connection.send("GET /download/\(size) HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n")
            // Three timeouts' worth of reading a little at a time: the channel stays unwritable
            // (far more is waiting than is read) but the client takes bytes, so it is not cut.
            try await connection.readSlowly(every: .milliseconds(20), for: .seconds(3))
            #expect(connection.receivedCount < size / 2, "still slow: most of the body is yet to come")
            #expect(web.openConnections == 1)
            let received = try await within(.seconds(20)) { try await connection.readToEnd() }
            #expect(received > size, "the whole body (and its head) arrived")
            #expect(web.responsesCompleted == 1)
        }
    }

    @Test func aSlowButSteadyRequestBodyIsNotCut() async throws {
        // Each gap (150 ms) well under the timeout, the whole body (1.8 s) well over it.
        try await withProxyToWeb(clientIdleTimeout: .seconds(1)) { _, client, web in
            let connection = try await RawConnection.open(port: client.port)
            try await connection.send("POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 12\r\n\r\n")
            for _ in 0..<12 {
                try await Task.sleep(for: .milliseconds(150))
                try await connection.send("x")
            }
            try await within(.seconds(10)) { try await connection.waitUntilReceived("received 12") }
            #expect(connection.isOpen)
            #expect(web.uploadedBytes == 12)
        }
    }

    @Test func aConnectionInUseStaysOpenAndClosesOnceIdle() async throws {
        // A longer timeout than the others: the gaps between requests must stay well under it
        // even on a loaded machine.
        try await withProxyToWeb(clientIdleTimeout: .seconds(1)) { _, client, web in
            let connection = try await RawConnection.open(port: client.port)
            // Eight requests 50 ms apart on one connection (each gap well under the timeout), and one
            // whose response takes longer than the timeout: an exchange in progress is not idle.
            for index in 0..<8 {
                let path = index == 4 ? "/delay/1500" : "/"
                try await connection.send("GET \(path) HTTP/1.1\r\nHost: example.test\r\n\r\n")
                try await within(.seconds(10)) { try await connection.waitForResponses(index + 1) }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(connection.isOpen)
            #expect(web.requestsReceived == 8)
            // Then idle: closed.
            try await within(.seconds(10)) { try await connection.waitUntilClosed() }
        }
    }
}
