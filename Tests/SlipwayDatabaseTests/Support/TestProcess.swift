import Foundation
import SlipwayTestSupport

/// Runs a tool (psql, python3, sha256sum) for a test. The async form waits on a thread of its own: a
/// test blocking until a tool exits would hold one of the cooperative pool's few threads (two on a
/// two-core machine) and stall every other test in the run.
enum TestProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(arguments, environment: environment) }) }.start()
        }
    }

    /// Blocks the calling thread: only for trait conditions, evaluated before any test runs.
    static func runBlocking(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let result = try ChildProgram.run(arguments[0], Array(arguments.dropFirst()), environment: environment)
        return Output(status: result.status, stdout: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                      stderr: result.stderr)
    }

    /// stdout of a tool that must succeed; its stderr in the error otherwise.
    static func output(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let result = try await run(arguments, environment: environment)
        guard result.status == 0 else { throw ToolFailure(message: "\(arguments[0]): \(result.stderr)") }
        return result.stdout
    }
}
