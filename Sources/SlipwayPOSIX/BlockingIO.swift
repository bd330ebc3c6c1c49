import Dispatch

/// Runs blocking work (file I/O, a `waitpid` known to return soon) on a Dispatch thread, so a slow
/// disk stalls that thread rather than one of Swift's cooperative pool.
package enum BlockingIO {
    /// Throws exactly what `work` throws: nothing for non-throwing work, so one function serves
    /// both the throwing callers (Git, Docker) and the non-throwing one (the process runtime).
    package static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
        }
        return try result.get()
    }
}
