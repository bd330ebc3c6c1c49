import Dispatch
import Foundation
import SlipwayTestSupport

/// A program a test starts and goes on beside: its output can be read while it runs (to wait for a
/// line it prints), then `finished()` gives the whole result. Pipes are read on dispatch threads, as in
/// `runProgram`, so no thread of the cooperative pool blocks.
final class BackgroundProgram: Sendable {
    let stdout = OutputLog()
    let stderr = OutputLog()
    /// The process's id, to signal it.
    let pid: Int32
    private let program: ChildProgram
    private let closed: AsyncStream<Void>

    init(_ path: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        program = try ChildProgram(path, arguments, in: directory, environment: environment)
        pid = program.pid
        let (closed, close) = AsyncStream<Void>.makeStream()
        self.closed = closed
        let group = DispatchGroup()
        for (handle, log) in [(program.stdout, stdout), (program.stderr, stderr)] {
            guard let handle else { continue }
            DispatchQueue.global().async(group: group) {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    log.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        group.notify(queue: .global()) { close.finish() }
    }

    /// Waits for the exit and the end of both outputs.
    func finished() async -> CommandResult {
        let status = await program.status()
        for await _ in closed {}
        return CommandResult(status: status, stdout: stdout.contents, stderr: stderr.contents)
    }
}
