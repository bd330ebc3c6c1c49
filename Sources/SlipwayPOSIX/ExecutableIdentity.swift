import Glibc

/// The running executable: its path, and an identity that changes when the file at that path is
/// replaced by another build (what an upgrade of Slipway does), so a controller can tell that the
/// proxy process it found runs other code than its own.
package enum ExecutableIdentity {
    /// The path this process was started from (`/proc/self/exe`).
    package static func path() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // A replaced executable reads as "/path (deleted)"; the path is where its successor is.
        let deleted = " (deleted)"
        return path.hasSuffix(deleted) ? String(path.dropLast(deleted.count)) : path
    }

    /// Device, inode, size and modification time of the code this process runs: two processes of
    /// the same file agree; a rebuilt or reinstalled binary differs.
    package static func current() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_dev)-\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// The same identity for the file at `path` (what a process started from it now would report).
    package static func of(path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "unknown" }
        return "\(info.st_dev)-\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
