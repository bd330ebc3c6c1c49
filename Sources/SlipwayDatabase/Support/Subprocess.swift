import Foundation
import SlipwayModel
import SlipwayPOSIX

/// Runs a tool (pg_dump, pg_restore, gzip) to completion on a thread of its own, off the cooperative pool.
struct Subprocess: Sendable {
    struct Output: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data

        var stderrText: String {
            String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// How long a tool stopped at its deadline gets to exit after SIGTERM before SIGKILL.
    static let grace: DispatchTimeInterval = .seconds(2)

    var executable: String
    var arguments: [String]
    /// Added to this process's environment.
    var environment: [String: String] = [:]
    /// When set, the tool's stdin reads this file.
    var stdinFile: String?
    /// When set, the tool's stdout goes to this file (created or truncated) instead of `Output.stdout`.
    var stdoutFile: String?
    /// When set, the tool is stopped at it (SIGTERM, SIGKILL after `grace`), `stdoutFile` is removed and
    /// the deadline's error thrown; files the tool writes itself are the caller's to remove.
    var deadline: StageDeadline?

    func run() async throws -> Output {
        let command = self
        return try await BlockingWork.run("slipway-\(name)") { try command.runBlocking() }
    }

    private var name: String { (executable as NSString).lastPathComponent }

    private func runBlocking() throws -> Output {
        try deadline.check("the backup")
        // posix_spawn (as the daemon starts releases), not Foundation's `Process`: on Linux its
        // `run()` can crash the daemon with an over-read of /proc/self/fd
        // (swift-corelibs-foundation#5472). The tool leads its own session, so its process group
        // is its pid and a stop at the deadline reaches whatever it started.
        var closeAfterSpawn: [Int32] = []
        defer { closeAfterSpawn.forEach { _ = close($0) } }
        func opened(_ path: String, _ flags: Int32, _ what: String) throws -> Int32 {
            let fd = open(path, flags | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SlipwayError(.internalError, "cannot \(what) \(path): \(String(cString: strerror(errno)))") }
            closeAfterSpawn.append(fd)
            return fd
        }
        func pipe() throws -> (read: FileHandle, write: Int32) {
            do {
                let fds = try ChildSpawn.makePipe()
                closeAfterSpawn.append(fds.write)
                return (FileHandle(fileDescriptor: fds.read, closeOnDealloc: true), fds.write)
            } catch {
                throw SlipwayError(.internalError, "cannot run \(executable): \(error)")
            }
        }
        let stdin = try stdinFile.map { try opened($0, O_RDONLY, "read") }
        let stdoutPipe = stdoutFile == nil ? try pipe() : nil
        let stdout = try stdoutFile.map { try opened($0, O_WRONLY | O_CREAT | O_TRUNC, "create") } ?? stdoutPipe!.write
        let stderrPipe = try pipe()
        let pid: pid_t
        do {
            pid = try ChildSpawn.spawn(ChildSpawn.Plan(
                executable: executable, arguments: arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                directory: FileManager.default.currentDirectoryPath, stdout: stdout, stderr: stderrPipe.write, stdin: stdin))
        } catch {
            throw SlipwayError(.internalError, "cannot run \(executable): \(error)")
        }
        // The parent's copies of the child's ends, closed now: the pipes end when the tool does.
        closeAfterSpawn.forEach { _ = close($0) }
        closeAfterSpawn = []
        let exit = ChildExit(pid)
        // Drain both pipes on threads of their own, so a chatty tool never blocks on a full pipe and this
        // thread is free to watch the deadline.
        let stdoutBox = DataBox()
        let stderrBox = DataBox()
        let drained = DispatchGroup()
        Self.drain(stderrPipe.read, into: stderrBox, drained)
        if let stdoutPipe { Self.drain(stdoutPipe.read, into: stdoutBox, drained) }
        let stopped = wait(for: exit)
        drained.wait()
        // A tool that finished its work just as it was told to stop did finish: only a stopped one timed out.
        if stopped, let deadline, exit.status != 0 {
            if let stdoutFile { try? FileManager.default.removeItem(atPath: stdoutFile) }
            throw deadline.exceeded("the backup", ": \(name) was stopped and its partial output removed")
        }
        return Output(status: exit.status, stdout: stdoutBox.data, stderr: stderrBox.data)
    }

    /// Waits for the tool to exit. At the deadline its process group (the tool leads a session of
    /// its own, so a shell's children go too) gets SIGTERM, then SIGKILL after `grace`. Returns
    /// whether it had to be stopped.
    private func wait(for exit: ChildExit) -> Bool {
        guard let deadline else {
            exit.exited.wait()
            return false
        }
        guard exit.exited.wait(timeout: deadline.dispatchTime) == .timedOut else { return false }
        kill(-exit.pid, SIGTERM)
        if exit.exited.wait(timeout: .now() + Self.grace) == .timedOut {
            kill(-exit.pid, SIGKILL)
            exit.exited.wait()
        }
        return true
    }

    private static func drain(_ handle: FileHandle, into box: DataBox, _ group: DispatchGroup) {
        group.enter()
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            group.leave()
        }
    }
}

/// A spawned tool's exit, awaited by a thread of its own (`waitpid`): `exited` is signalled once,
/// and `status` is then its exit code, or the number of the signal that ended it.
private final class ChildExit: @unchecked Sendable {
    let pid: pid_t
    let exited = DispatchSemaphore(value: 0)
    /// Written by the waiting thread before it signals `exited`, read after.
    private(set) var status: Int32 = -1

    init(_ pid: pid_t) {
        self.pid = pid
        Thread.detachNewThread { [self] in
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
            status = result < 0 ? -1 : (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : raw & 0x7f
            exited.signal()
        }
    }
}

/// Written by a draining thread before it leaves the group, read after the group's wait.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
