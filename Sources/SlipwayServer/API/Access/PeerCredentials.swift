#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SlipwayModel

/// Who is at the other end of a unix socket, as the kernel says (SO_PEERCRED: the credentials the
/// peer had when it connected), never as the request says.
struct PeerCredentials: Sendable, Equatable {
    /// `struct ucred` of <sys/socket.h> on Linux, declared here because Glibc's module exports it only
    /// with `_GNU_SOURCE`.
    struct UCred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    var pid: Int32
    var uid: UInt32

    /// The credentials of the peer of an accepted unix-socket connection.
    static func of(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else {
            throw SlipwayError(.internalError, "the connection offers no socket options to read its peer's credentials from")
        }
        // SO_PEERCRED is 17 on every Linux architecture but for alpha, mips, parisc, powerpc and sparc.
        let cred: UCred = try await provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                    name: SocketOptionName(SO_PEERCRED)).get()
        return PeerCredentials(pid: cred.pid, uid: cred.uid)
    }

    /// The login name of `uid` (the password database: files, LDAP, whatever NSS says), or `uid:N`
    /// when it has none, as in a container that runs under an id without an entry.
    static func userName(uid: UInt32) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let name: String? = buffer.withUnsafeMutableBufferPointer { bytes in
            guard getpwuid_r(uid_t(uid), &entry, bytes.baseAddress!, bytes.count, &result) == 0, result != nil,
                  let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return name.flatMap { $0.isEmpty ? nil : $0 } ?? "uid:\(uid)"
    }
}
