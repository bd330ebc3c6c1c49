import GRDB

/// Stops SQLite work at a deadline with GRDB's `interrupt()` (sqlite3_interrupt): the running statement fails
/// with SQLITE_INTERRUPT. SQLite forgets an interrupt that comes between two statements, so it is repeated
/// until the work returns; the work itself checks the deadline before each statement too.
enum SQLiteInterruption {
    static func run<T: Sendable>(_ database: some DatabaseReader, at deadline: StageDeadline?,
                                 _ work: () async throws -> T) async throws -> T {
        guard let deadline else { return try await work() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(until: deadline.instant, clock: .continuous)
                while !Task.isCancelled {
                    database.interrupt()
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { group.cancelAll() }
            return try await work()
        }
    }
}
