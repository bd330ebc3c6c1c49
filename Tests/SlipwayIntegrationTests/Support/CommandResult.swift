import Dispatch
import Foundation
import Synchronization

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, capturing its output. Nothing here blocks a thread of Swift's
/// cooperative pool (it has only as many threads as cores): pipes are read on dispatch threads and
/// the exit arrives through `terminationHandler`, so tests can run several programs at once.
///
/// A program still running after `limit` is killed and the test gets `TestFailure` with what it
/// printed: a hung command fails its test instead of the whole run waiting for it.
func runProgram(_ path: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String] = [:], limit: Duration = .seconds(180)) async throws -> CommandResult {
    let (process, out, err, exits) = preparedProgram(path, arguments, in: directory, environment: environment)
    try process.run()
    async let stdout = readToEnd(out.fileHandleForReading)
    async let stderr = readToEnd(err.fileHandleForReading)
    let pid = process.processIdentifier
    let killed = Mutex(false)
    let watchdog = Task {
        try await Task.sleep(for: limit)
        killed.withLock { $0 = true }
        kill(pid, SIGKILL)
    }
    var status: Int32 = -1
    for await code in exits { status = code }
    watchdog.cancel()
    let result = CommandResult(status: status, stdout: String(decoding: await stdout, as: UTF8.self),
                               stderr: String(decoding: await stderr, as: UTF8.self))
    if killed.withLock({ $0 }) {
        let command = ([path] + arguments).joined(separator: " ")
        throw TestFailure("\(command) did not exit within \(limit) and was killed:\n\(result.stdout)\n\(result.stderr)")
    }
    return result
}

/// A program ready to run: the test's environment plus `environment`, stdin from /dev/null,
/// stdout and stderr on pipes, its exit status delivered on `exits`.
func preparedProgram(_ path: String, _ arguments: [String], in directory: String?, environment: [String: String])
    -> (process: Process, stdout: Pipe, stderr: Pipe, exits: AsyncStream<Int32>) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let (exits, exited) = AsyncStream<Int32>.makeStream()
    process.terminationHandler = { exited.yield($0.terminationStatus); exited.finish() }
    return (process, out, err, exits)
}

private func readToEnd(_ handle: FileHandle) async -> Data {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
    }
}
