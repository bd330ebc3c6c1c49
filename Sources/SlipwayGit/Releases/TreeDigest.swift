import Crypto
import Foundation
import Glibc
import SlipwayModel

/// One SHA-256 over a release's files: every regular file's path, mode and bytes, every
/// symlink's path and target, every directory's path, in sorted order. Equal digests mean the
/// same tree, whatever its directory is called: what a promotion checks its copy against.
enum TreeDigest {
    static func sha256(of root: String) throws -> String {
        var hasher = SHA256()
        for path in try entries(under: root) {
            let full = root + "/" + path
            var info = stat()
            guard lstat(full, &info) == 0 else { throw failure("cannot stat \(full)") }
            let mode = info.st_mode & S_IFMT
            switch mode {
            case S_IFDIR:
                hasher.update(data: Data("d \(path)\n".utf8))
            case S_IFLNK:
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: full)
                hasher.update(data: Data("l \(path) -> \(target)\n".utf8))
            case S_IFREG:
                // The executable bits matter (a script that lost them does not start); the rest does not.
                let executable = info.st_mode & 0o111 != 0
                hasher.update(data: Data("f \(path) \(executable ? "x" : "-") \(info.st_size)\n".utf8))
                try hashContents(of: full, into: &hasher)
            default:
                hasher.update(data: Data("o \(path)\n".utf8))
            }
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Every path under `root`, relative, sorted bytewise (symlinked directories not followed).
    private static func entries(under root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw failure("cannot read \(root)") }
        var paths: [String] = []
        while let path = walker.nextObject() as? String { paths.append(path) }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func hashContents(of path: String, into hasher: inout SHA256) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    private static func failure(_ message: String) -> SlipwayError {
        SlipwayError(.buildFailed, "cannot digest the release: \(message)")
    }
}
