import Glibc
import NIOCore
import SlipwayModel

/// A listening TCP socket the proxy binds itself rather than through `ServerBootstrap.bind`, so
/// that it keeps the descriptor: a proxy being replaced hands exactly these to its successor
/// (SCM_RIGHTS). NIO gets a `dup` of it through `withBoundSocket`, so NIO closing its copy when
/// the proxy stops accepting never closes the socket a successor holds.
enum ListeningSocket {
    static func bind(_ listen: SocketAddressSpec, backlog: Int32 = 1024) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(listen.host, port: listen.port)
        let family: CInt = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SlipwayError(.internalError, "socket(): \(String(cString: strerror(errno)))") }
        var one: CInt = 1
        // SO_REUSEADDR, as ServerBootstrap sets it: a restarted proxy binds at once, even with
        // connections of its predecessor in TIME_WAIT.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        // Accepted sockets inherit TCP_NODELAY from the listener.
        setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
        let bound = address.withSockAddr { Glibc.bind(fd, $0, socklen_t($1)) }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SlipwayError(.internalError, "cannot listen on \(listen): \(reason)")
        }
        return fd
    }

    /// A copy of `fd` for NIO to own.
    static func duplicate(_ fd: CInt) throws -> CInt {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 3)
        guard copy >= 0 else { throw SlipwayError(.internalError, "dup(\(fd)): \(String(cString: strerror(errno)))") }
        return copy
    }
}
