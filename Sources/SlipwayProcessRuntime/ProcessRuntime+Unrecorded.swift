import SlipwayPOSIX
import Foundation
import Glibc
import SlipwayModel

extension ProcessRuntime {
    /// Processes this runtime started that no record names: session leaders whose standard output
    /// is a log file under this runtime's log directory (`<logDirectory>/<service>/<release>.log`,
    /// which only this runtime's children write to), other than the recorded and watched ones.
    package func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        let known = Set(recorded.map { ProcessKey(pid: $0.pid, startToken: $0.startToken) })
            .union(watched.values.map { ProcessKey(pid: $0.instance.pid, startToken: $0.instance.startToken) })
        let prefix = logDirectory + "/"
        var found: [Instance] = []
        for pid in Self.processIDs() where pid != getpid() {
            guard let stat = ProcStat.read(pid: pid), stat.session == pid, !stat.isExited,
                  !known.contains(ProcessKey(pid: pid, startToken: stat.startTime)),
                  let log = Self.outputFile(of: pid), log.hasPrefix(prefix) else { continue }
            let parts = log.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2, parts[1].hasSuffix(".log") else { continue }
            let release = String(parts[1].dropLast(".log".count))
            found.append(Instance(service: String(parts[0]), releaseID: release, pid: pid,
                                  port: Self.environmentPort(of: pid) ?? 0, startToken: stat.startTime, logFile: log))
        }
        return found
    }

    struct ProcessKey: Hashable {
        var pid: Int32
        var startToken: UInt64
    }

    static func processIDs() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    /// Where the process's standard output (else its standard error) goes.
    static func outputFile(of pid: Int32) -> String? {
        for fd in [1, 2] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
               target.hasPrefix("/") { return target }
        }
        return nil
    }

    /// The `PORT` the runtime gave the process, from its initial environment.
    static func environmentPort(of pid: Int32) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        for entry in data.split(separator: 0) where entry.starts(with: Array("PORT=".utf8)) {
            return Int(String(decoding: entry.dropFirst(5), as: UTF8.self))
        }
        return nil
    }
}
