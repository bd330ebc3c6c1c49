import Dispatch
import Foundation
import SlipwayTestSupport
import Synchronization

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, capturing its output. Nothing here blocks a thread of Swift's
/// cooperative pool (it has only as many threads as cores): pipes are read on dispatch threads and
/// the exit is awaited, so tests can run several programs at once.
///
/// A program still running after `limit` is killed and the test gets `TestFailure` with what it
/// printed: a hung command fails its test instead of the whole run waiting for it.
func runProgram(_ path: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String] = [:], limit: Duration = .seconds(180)) async throws -> CommandResult {
    let program = try ChildProgram(path, arguments, in: directory, environment: environment)
    async let stdout = readToEnd(program.stdout)
    async let stderr = readToEnd(program.stderr)
    let killed = Mutex(false)
    // A deadline, not a wait for an event: the event is the program's exit, and this bounds it.
    let watchdog = Task {
        try await Task.sleep(for: limit)
        killed.withLock { $0 = true }
        program.signal(SIGKILL)
    }
    let status = await program.status()
    watchdog.cancel()
    let result = CommandResult(status: status, stdout: String(decoding: await stdout, as: UTF8.self),
                               stderr: String(decoding: await stderr, as: UTF8.self))
    if killed.withLock({ $0 }) {
        let command = ([path] + arguments).joined(separator: " ")
        throw TestFailure("\(command) did not exit within \(limit) and was killed:\n\(result.stdout)\n\(result.stderr)")
    }
    return result
}

func readToEnd(_ handle: FileHandle?) async -> Data {
    guard let handle else { return Data() }
    return await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
    }
}
