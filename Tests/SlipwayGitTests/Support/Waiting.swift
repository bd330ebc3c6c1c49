import Foundation

/// Polls `condition` (the event a test waits for: a log line, a process gone) until it holds,
/// throwing after `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw FixtureError(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Until the `sleep` process `pid` is gone or is some other process now (a zombie counts as gone:
/// it was killed).
func waitUntilSleepIsGone(_ pid: Int32) async throws {
    try await waitUntil("pid \(pid) to stop running") {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return !stat.contains("(sleep)") || stat.contains(") Z ")
    }
}
