import Testing

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Waits for a condition (a port accepting, a line in a log, an exit recorded), checking often;
/// fails with `what` if it does not hold within `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(15),
                isolation: isolated (any Actor)? = #isolation,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
