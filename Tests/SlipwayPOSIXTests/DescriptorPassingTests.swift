import Foundation
import Glibc
import SlipwayPOSIX
import SlipwayTestSupport
import Testing

/// SCM_RIGHTS over the blocking unix socket: what a proxy hands its successor.
@Suite struct DescriptorPassingTests {
    @Test func aPassedDescriptorIsTheSameOpenFileAndTheBytesAfterItStayReadable() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-fds")
        let path = directory.path("hand.sock")
        let listener = try UnixSocket.listen(at: path)
        let pipe = try ChildSpawn.makePipe()
        defer { close(pipe.read) }
        let sender = Task.detached {
            let connection = try UnixSocket.connect(to: path, timeout: .seconds(5))
            try connection.send(descriptors: [pipe.write], payload: [7])
            try connection.write(Array("routes\n".utf8))
            close(pipe.write)
            return try connection.readByte()
        }
        let connection = try await BlockingIO.run { () throws in try listener.accept(timeout: .seconds(5)) }
        let (descriptors, payload) = try connection.receiveDescriptors(maximumPayload: 1)
        #expect(payload == [7])
        try #require(descriptors.count == 1)
        // Only one byte was consumed with the descriptors: the line after it is intact.
        #expect(try connection.readLine().map { String(decoding: $0, as: UTF8.self) } == "routes")
        // Writing through the received descriptor reaches the sender's pipe.
        let written = "through".withCString { write(descriptors[0], $0, 7) }
        #expect(written == 7)
        #expect(fcntl(descriptors[0], F_GETFD) & FD_CLOEXEC != 0, "received close-on-exec")
        close(descriptors[0])
        var buffer = [UInt8](repeating: 0, count: 16)
        let read = buffer.withUnsafeMutableBytes { Glibc.read(pipe.read, $0.baseAddress, $0.count) }
        #expect(String(decoding: buffer[..<max(read, 0)], as: UTF8.self) == "through")
        try connection.write([1])
        #expect(try await sender.value == 1)
    }

    @Test func readLineReturnsOneMessageAtATimeAndNilAtTheEnd() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-fds")
        let path = directory.path("lines.sock")
        let listener = try UnixSocket.listen(at: path)
        let sender = Task.detached {
            let connection = try UnixSocket.connect(to: path, timeout: .seconds(5))
            try connection.write(Array("first\nsecond\nthird".utf8))
        }
        let connection = try await BlockingIO.run { () throws in try listener.accept(timeout: .seconds(5)) }
        try await sender.value
        let lines = try (0..<4).map { _ in try connection.readLine().map { String(decoding: $0, as: UTF8.self) } }
        #expect(lines == ["first", "second", "third", nil])
    }

    @Test func acceptGivesUpAfterItsTimeout() throws {
        let directory = try TemporaryDirectory(prefix: "slipway-fds")
        let listener = try UnixSocket.listen(at: directory.path("nobody.sock"))
        #expect(throws: SpawnError.self) { try listener.accept(timeout: .milliseconds(50)) }
    }
}
