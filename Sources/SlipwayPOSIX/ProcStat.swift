import Glibc

/// The fields of `/proc/PID/stat` the runtime relies on (proc(5)).
package struct ProcStat: Equatable, Sendable {
    /// Field 3: `R`, `S`, `D`, `Z` (zombie), ...
    package var state: Character
    /// Field 4.
    package var parent: Int32
    /// Field 5.
    package var processGroup: Int32
    /// Field 6.
    package var session: Int32
    /// Field 22: clock ticks after boot at which the process started; with the pid, its identity.
    package var startTime: UInt64

    package init(state: Character, parent: Int32, processGroup: Int32, session: Int32, startTime: UInt64) {
        self.state = state
        self.parent = parent
        self.processGroup = processGroup
        self.session = session
        self.startTime = startTime
    }

    /// An exited process not yet reaped still has a stat file; it is not alive.
    package var isExited: Bool { state == "Z" || state == "X" }

    /// nil when no such process exists. A procfs read is served from kernel memory and never
    /// blocks on a disk, so it is fine on the cooperative pool.
    package static func read(pid: Int32) -> ProcStat? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return parse(String(decoding: buffer[..<count], as: UTF8.self))
    }

    /// Parses the line after the last `)`: the command name in parentheses may itself contain
    /// spaces and parentheses.
    package static func parse(_ line: String) -> ProcStat? {
        guard let closing = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: closing)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        // fields[0] is field 3 of proc(5); field N is fields[N - 3].
        guard fields.count >= 20,
              let state = fields[0].first,
              let parent = Int32(fields[1]),
              let group = Int32(fields[2]),
              let session = Int32(fields[3]),
              let start = UInt64(fields[19]) else { return nil }
        return ProcStat(state: state, parent: parent, processGroup: group, session: session, startTime: start)
    }
}
