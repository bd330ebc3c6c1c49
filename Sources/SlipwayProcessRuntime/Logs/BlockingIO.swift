import Dispatch

/// Runs file work on a Dispatch thread, so a slow disk stalls that thread rather than a thread of
/// Swift's cooperative pool.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
