import Dispatch

/// Runs file work (walking the build context, reading its files) on a Dispatch thread, so a slow
/// disk stalls that thread rather than one of Swift's cooperative pool.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
