import SlipwayPOSIX
import Foundation
import Glibc
import SlipwayModel

extension ProcessRuntime {
    /// Processes this runtime started that no record names: session leaders whose standard output
    /// goes to a log file under this runtime's log directory (`<logDirectory>/<service>/<release>.log`,
    /// which only this runtime's instances write to), through their relay or, started before relays,
    /// straight, other than the recorded and watched ones. A relay itself (its stdin a pipe, its
    /// stdout the log) is never one: it ends with its instance.
    package func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        let known = Set(recorded.map { ProcessKey(pid: $0.pid, startToken: $0.startToken) })
            .union(watched.values.map { ProcessKey(pid: $0.instance.pid, startToken: $0.instance.startToken) })
        let prefix = logDirectory + "/"
        var leaders: [(pid: Int32, stat: ProcStat, outputs: [String])] = []
        var logsByPipe: [String: String] = [:]
        for pid in Self.processIDs() where pid != getpid() {
            guard let stat = ProcStat.read(pid: pid), stat.session == pid, !stat.isExited else { continue }
            let outputs = [1, 2].compactMap { Self.descriptorTarget(of: pid, fd: $0) }
            if let input = Self.descriptorTarget(of: pid, fd: 0), input.hasPrefix("pipe:"),
               let log = outputs.first, log.hasPrefix(prefix) {
                logsByPipe[input] = log
            } else {
                leaders.append((pid, stat, outputs))
            }
        }
        var found: [Instance] = []
        for (pid, stat, outputs) in leaders where !known.contains(ProcessKey(pid: pid, startToken: stat.startTime)) {
            guard let log = outputs.lazy.compactMap({ $0.hasPrefix(prefix) ? $0 : logsByPipe[$0] }).first else { continue }
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

    /// The file the process's standard output (else its standard error) is.
    static func outputFile(of pid: Int32) -> String? {
        [1, 2].lazy.compactMap { descriptorTarget(of: pid, fd: $0) }.first { $0.hasPrefix("/") }
    }

    /// What a descriptor of the process is: a path, or `pipe:[inode]` for a pipe (proc(5)).
    static func descriptorTarget(of pid: Int32, fd: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")
    }

    /// The `PORT` the runtime gave the process, from its initial environment.
    static func environmentPort(of pid: Int32) -> Int? {
        // A process in the middle of an `execve` (a release's `sh -c` exec'ing its command) reads
        // as an empty environment for an instant; a live process never has one otherwise.
        var read = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
        for _ in 0..<20 where read?.isEmpty == true {
            usleep(5_000)
            read = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
        }
        guard let data = read else { return nil }
        for entry in data.split(separator: 0) where entry.starts(with: Array("PORT=".utf8)) {
            return Int(String(decoding: entry.dropFirst(5), as: UTF8.self))
        }
        return nil
    }
}
