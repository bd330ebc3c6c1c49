import Foundation
import SlipwayTestSupport

/// Runs a tool (psql, python3, sha256sum) for a test. The async form waits on a thread of its own: a
/// test blocking in `waitUntilExit` would hold one of the cooperative pool's few threads (two on a
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = ErrorsBox()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errors.data = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitForExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                      stderr: String(decoding: errors.data, as: UTF8.self))
    }

    /// stdout of a tool that must succeed; its stderr in the error otherwise.
    static func output(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let result = try await run(arguments, environment: environment)
        guard result.status == 0 else { throw ToolFailure(message: "\(arguments[0]): \(result.stderr)") }
        return result.stdout
    }
}

private final class ErrorsBox: @unchecked Sendable {
    var data = Data()
}
