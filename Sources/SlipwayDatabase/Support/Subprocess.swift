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

    var executable: String
    var arguments: [String]
    /// Added to this process's environment.
    var environment: [String: String] = [:]
    /// When set, the tool's stdin reads this file.
    var stdinFile: String?
    /// When set, the tool's stdout goes to this file (created or truncated) instead of `Output.stdout`.
    var stdoutFile: String?

    func run() async throws -> Output {
        let command = self
        return try await BlockingWork.run("slipway-\((executable as NSString).lastPathComponent)") { try command.runBlocking() }
    }

    private func runBlocking() throws -> Output {
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
        do {
            try process.run()
        } catch {
            throw SlipwayError(.internalError, "cannot run \(executable): \(error.localizedDescription)")
        }
        // Drain stderr beside stdout so a chatty tool never blocks on a full pipe.
        let stderrBox = DataBox()
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrBox.data = stderrPipe.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let stdout = stdoutFile == nil ? stdoutPipe.fileHandleForReading.readDataToEndOfFile() : Data()
        drained.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderrBox.data)
    }

    /// The path of `name` on PATH, for tools the system installs.
    static func locate(_ name: String, preferring directories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in directories + path.split(separator: ":").map(String.init) {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Written by the stderr-draining thread before it signals, read after the wait.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
