import Glibc

/// A blocking unix stream socket: what the controller and the proxy process use to talk on the
/// state directory's control socket, and to hand a proxy's listening sockets to its successor.
/// Every call blocks its thread; run it through `BlockingIO`.
/// Sendable: its one mutable field changes only in `close`, and each socket is used by one task at a time.
package final class UnixSocket: @unchecked Sendable {
    package private(set) var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Connects to the socket at `path`; `timeout` bounds every later read and write.
    package static func connect(to path: String, timeout: Duration) throws(SpawnError) -> UnixSocket {
        let socket = try make()
        var address = try socketAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw SpawnError(operation: "connect to \(path)", code: errno) }
        try socket.setTimeout(timeout)
        return socket
    }

    /// A listening socket at `path`, replacing a stale file there.
    package static func listen(at path: String) throws(SpawnError) -> UnixSocket {
        let socket = try make()
        var address = try socketAddress(path)
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw SpawnError(operation: "bind \(path)", code: errno) }
        chmod(path, 0o600)
        guard Glibc.listen(socket.descriptor, 8) == 0 else { throw SpawnError(operation: "listen on \(path)", code: errno) }
        return socket
    }

    /// The next connection, waiting at most `timeout` for it.
    package func accept(timeout: Duration) throws(SpawnError) -> UnixSocket {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&poll, 1, Int32(wholeMilliseconds(timeout)))
        guard ready > 0 else { throw SpawnError(operation: "no connection within \(timeout)", code: ready == 0 ? ETIMEDOUT : errno) }
        let accepted = Glibc.accept(descriptor, nil, nil)
        guard accepted >= 0 else { throw SpawnError(operation: "accept", code: errno) }
        _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        let connection = UnixSocket(descriptor: accepted)
        try connection.setTimeout(timeout)
        return connection
    }

    package func write(_ bytes: [UInt8]) throws(SpawnError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw SpawnError(operation: "write to a unix socket", code: errno)
            }
            offset += written
        }
    }

    /// Bytes up to and without the first newline; nil when the peer closed first.
    package func readLine(limit: Int = 16 << 20) throws(SpawnError) -> [UInt8]? {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            // Peek, then consume only up to the newline: what follows belongs to the next message.
            let peeked = chunk.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_PEEK)) }
            if peeked < 0 {
                if errno == EINTR { continue }
                throw SpawnError(operation: "read from a unix socket", code: errno)
            }
            if peeked == 0 { return line.isEmpty ? nil : line }
            let newline = chunk[..<peeked].firstIndex(of: UInt8(ascii: "\n"))
            let take = newline.map { $0 + 1 } ?? peeked
            let read = chunk.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, take, 0) }
            guard read == take else { throw SpawnError(operation: "read from a unix socket", code: errno) }
            if newline != nil {
                line += chunk[..<(take - 1)]
                return line
            }
            line += chunk[..<take]
            guard line.count <= limit else { throw SpawnError("a control message longer than \(limit) bytes") }
        }
    }

    /// Reads one byte; nil when the peer closed.
    package func readByte() throws(SpawnError) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let read = Glibc.recv(descriptor, &byte, 1, 0)
            if read == 1 { return byte }
            if read == 0 { return nil }
            if errno == EINTR { continue }
            throw SpawnError(operation: "read from a unix socket", code: errno)
        }
    }

    package func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    private func setTimeout(_ timeout: Duration) throws(SpawnError) {
        let milliseconds = max(wholeMilliseconds(timeout), 1)
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            guard setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw SpawnError(operation: "setsockopt on a unix socket", code: errno)
            }
        }
    }

    private static func make() throws(SpawnError) -> UnixSocket {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SpawnError(operation: "socket(AF_UNIX)", code: errno) }
        return UnixSocket(descriptor: fd)
    }

    private static func socketAddress(_ path: String) throws(SpawnError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw SpawnError("the socket path \(path) is longer than \(capacity - 1) bytes") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }
}

/// Whole milliseconds, rounded down.
private func wholeMilliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}
