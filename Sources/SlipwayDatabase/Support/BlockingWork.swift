import Foundation

/// Runs blocking work (waiting on a child process, SQLite's backup API between files) on a thread of its
/// own, so it never holds one of the cooperative pool's few threads. Awaited, never fire-and-forget.
enum BlockingWork {
    static func run<T: Sendable>(_ name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = name
            thread.start()
        }
    }
}
