import Glibc
import NIOCore
import SlipwayModel

/// The listening TCP sockets the proxy binds itself rather than through `ServerBootstrap.bind`, so
/// that it keeps the descriptors: a proxy being replaced hands exactly these to its successor
/// (SCM_RIGHTS). NIO gets a `dup` of each through `withBoundSocket`, so NIO closing its copy when
/// the proxy stops accepting never closes the socket a successor holds.
///
/// One socket per event loop, each with `SO_REUSEPORT` (nginx's `listen ... reuseport`): the kernel
/// spreads new connections over them, and each loop accepts and serves its own with no hand-off
/// between threads. The kernel picks a socket by hashing the connection, not by which loop is free.
enum ListeningSocket {
    /// nginx's default on Linux is 511; 1024 leaves room for bursts of new connections.
    static let backlog: Int32 = 1024

    /// `count` sockets listening on `listen`, after a probe has made sure nothing else listens there.
    ///
    /// `SO_REUSEPORT` lets any process of the same user bind beside a socket that has it: a second
    /// proxy on a taken address would bind without complaint and take a share of the connections.
    /// So a probe binds the address first *without* it: that fails with `EADDRINUSE` exactly when
    /// something listens there. The probe has `SO_REUSEADDR`, as the listeners do (connections of an
    /// earlier run in TIME_WAIT don't block a restart), never listens, and stays bound while the
    /// listeners bind beside it: a bound socket that doesn't listen doesn't conflict with them. With
    /// port 0 it is the probe that gets a port from the kernel, and every listener takes that port.
    /// (Two proxies starting at the same instant can both pass: this makes the ordinary mistake, a
    /// second daemon on a taken port, an error; it is not a lock.)
    static func bind(_ listen: SocketAddressSpec, count: Int) throws -> [CInt] {
        var address = try SocketAddress.makeAddressResolvingHost(listen.host, port: listen.port)
        let probe = try socket(for: address, listen)
        defer { close(probe) }
        guard address.withSockAddr({ Glibc.bind(probe, $0, socklen_t($1)) }) == 0 else {
            throw failure(listen)
        }
        address.port = try boundPort(probe, listen)
        var descriptors: [CInt] = []
        do {
            for _ in 0..<count { descriptors.append(try bind(address, listen)) }
        } catch {
            for fd in descriptors { close(fd) }
            throw error
        }
        return descriptors
    }

    /// One more `SO_REUSEPORT` socket listening where `listener` listens: for a loop left without a
    /// socket when fewer were handed over than the proxy has loops. It binds only if `listener` has
    /// `SO_REUSEPORT` too, as the proxy's own do.
    static func bind(beside listener: CInt) throws -> CInt {
        let address = try localAddress(of: listener)
        guard let spec = ReverseProxy.spec(of: address) else {
            throw SlipwayError(.internalError, "inherited socket \(listener) is not bound to an IP address")
        }
        return try bind(address, spec)
    }

    /// Throws unless `fd` is a TCP socket bound to an IP address: NIO's adoption of anything else
    /// fails with an assertion (the socket it wrapped is never closed), not an error.
    static func check(inherited fd: CInt) throws {
        var type: CInt = 0
        var size = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) == 0, type == CInt(SOCK_STREAM.rawValue) else {
            throw SlipwayError(.internalError, "inherited descriptor \(fd) is not a TCP socket")
        }
        guard ReverseProxy.spec(of: try? localAddress(of: fd)) != nil else {
            throw SlipwayError(.internalError, "inherited socket \(fd) is not bound to an IP address")
        }
    }

    /// A copy of `fd` for NIO to own.
    static func duplicate(_ fd: CInt) throws -> CInt {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 3)
        guard copy >= 0 else { throw SlipwayError(.internalError, "dup(\(fd)): \(String(cString: strerror(errno)))") }
        return copy
    }

    /// Listens on `fd` again with `backlog`. NIO's `withBoundSocket` calls `listen` with its own
    /// default (128) on the copy it adopts, which is the same socket: this puts ours back.
    static func restoreBacklog(_ fd: CInt) {
        _ = Glibc.listen(fd, backlog)
    }

    private static func bind(_ address: SocketAddress, _ listen: SocketAddressSpec) throws -> CInt {
        let fd = try socket(for: address, listen)
        var one: CInt = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<CInt>.size))
        // Accepted sockets inherit TCP_NODELAY from the listener.
        setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
        guard address.withSockAddr({ Glibc.bind(fd, $0, socklen_t($1)) }) == 0, Glibc.listen(fd, backlog) == 0 else {
            let error = failure(listen)
            close(fd)
            throw error
        }
        return fd
    }

    /// A TCP socket for `address` with `SO_REUSEADDR`, as ServerBootstrap sets it: a restarted proxy
    /// binds at once, even with connections of its predecessor in TIME_WAIT.
    private static func socket(for address: SocketAddress, _ listen: SocketAddressSpec) throws -> CInt {
        let family: CInt = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(listen) }
        var one: CInt = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        return fd
    }

    private static func boundPort(_ fd: CInt, _ listen: SocketAddressSpec) throws -> Int {
        guard let port = try localAddress(of: fd).port else { throw failure(listen) }
        return port
    }

    static func address(of fd: CInt) throws -> SocketAddress {
        try localAddress(of: fd)
    }

    private static func localAddress(of fd: CInt) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        guard named == 0 else {
            throw SlipwayError(.internalError, "getsockname(\(fd)): \(String(cString: strerror(errno)))")
        }
        switch CInt(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in.self)) }
        case AF_INET6:
            return withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in6.self)) }
        default:
            throw SlipwayError(.internalError, "socket \(fd) is not bound to an IP address")
        }
    }

    /// The error of the last system call.
    private static func failure(_ listen: SocketAddressSpec) -> SlipwayError {
        SlipwayError(.internalError, "cannot listen on \(listen): \(String(cString: strerror(errno)))")
    }
}
