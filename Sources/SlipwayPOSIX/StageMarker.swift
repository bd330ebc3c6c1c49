import Glibc

/// Marks the processes of a deployment's stages (builds, checks, smoke scripts) with the state
/// directory of the daemon that started them, in their environment: set before `exec`, inherited
/// by everything they start, whether it stays in their process group or not. A daemon that died
/// under a build leaves such processes re-parented to init; the next daemon finds them by the mark
/// (`/proc/PID/environ`) and kills them, so no build runs on in a deleted staging directory.
package enum StageMarker {
    package static let variable = "SLIPWAY_STAGE_OF"

    /// Every process but this one whose environment carries `variable=marker`.
    package static func marked(_ marker: String) -> [pid_t] {
        let needle = Array("\(variable)=\(marker)".utf8) + [0]
        let own = getpid()
        var found: [pid_t] = []
        guard let proc = opendir("/proc") else { return [] }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), pid != own else { continue }
            if let environ = readFile("/proc/\(pid)/environ"), contains(environ, entry: needle) { found.append(pid) }
        }
        return found.sorted()
    }

    /// SIGKILL to each process and to its process group (a stage leads its own group).
    package static func kill(_ pids: [pid_t]) {
        for pid in pids {
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// What a process runs, for a message: its command line, arguments joined by spaces.
    package static func commandLine(of pid: pid_t) -> String {
        guard let bytes = readFile("/proc/\(pid)/cmdline") else { return "?" }
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).trimmingTrailingSpaces
    }

    /// `entry` (ending in NUL) at the start of the environment or right after a NUL.
    package static func contains(_ environ: [UInt8], entry: [UInt8]) -> Bool {
        var start = 0
        while start < environ.count {
            let end = environ[start...].firstIndex(of: 0) ?? environ.count
            if end - start + 1 == entry.count, environ[start..<end].elementsEqual(entry.dropLast()) { return true }
            start = end + 1
        }
        return false
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
