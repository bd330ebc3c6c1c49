import Foundation
import SlipwayModel

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        var stdoutHandle: FileHandle?
        var stdinHandle: FileHandle?
        defer {
            try? stdoutHandle?.close()
            try? stdinHandle?.close()
        }
        if let stdoutFile {
            guard FileManager.default.createFile(atPath: stdoutFile, contents: nil),
                  let handle = FileHandle(forWritingAtPath: stdoutFile) else {
                throw SlipwayError(.internalError, "cannot create \(stdoutFile)")
            }
            stdoutHandle = handle
            process.standardOutput = handle
        } else {
            process.standardOutput = stdoutPipe
        }
        if let stdinFile {
            guard let handle = FileHandle(forReadingAtPath: stdinFile) else {
                throw SlipwayError(.internalError, "cannot read \(stdinFile)")
            }
            stdinHandle = handle
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.standardError = stderrPipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw SlipwayError(.internalError, "cannot run \(executable): \(error.localizedDescription)")
        }
        // Drain both pipes on threads of their own, so a chatty tool never blocks on a full pipe and this
        // thread is free to watch the deadline.
        let stdoutBox = DataBox()
        let stderrBox = DataBox()
        let drained = DispatchGroup()
        Self.drain(stderrPipe, into: stderrBox, drained)
        if stdoutFile == nil { Self.drain(stdoutPipe, into: stdoutBox, drained) }
        let stopped = wait(for: process, exited: exited)
        drained.wait()
        // A tool that finished its work just as it was told to stop did finish: only a stopped one timed out.
        if stopped, let deadline, !(process.terminationReason == .exit && process.terminationStatus == 0) {
            if let stdoutFile { try? FileManager.default.removeItem(atPath: stdoutFile) }
            throw deadline.exceeded("the backup", ": \(name) was stopped and its partial output removed")
        }
        return Output(status: process.terminationStatus, stdout: stdoutBox.data, stderr: stderrBox.data)
    }

    /// Waits for the tool to exit. At the deadline its process group (Foundation starts each child in a
    /// group of its own, so a shell's children go too) gets SIGTERM, then SIGKILL after `grace`.
    /// Returns whether it had to be stopped.
    private func wait(for process: Process, exited: DispatchSemaphore) -> Bool {
        guard let deadline else {
            exited.wait()
            return false
        }
        guard exited.wait(timeout: deadline.dispatchTime) == .timedOut else { return false }
        let group = -process.processIdentifier
        kill(group, SIGTERM)
        if exited.wait(timeout: .now() + Self.grace) == .timedOut {
            kill(group, SIGKILL)
            exited.wait()
        }
        return true
    }

    private static func drain(_ pipe: Pipe, into box: DataBox, _ group: DispatchGroup) {
        group.enter()
        Thread.detachNewThread {
            box.data = pipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
    }
}

/// Written by a draining thread before it leaves the group, read after the group's wait.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
