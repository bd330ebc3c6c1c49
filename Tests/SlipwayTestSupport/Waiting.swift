/// Waits for a condition the system under test reaches by itself (a port that answers, a line in a
/// log, an exit recorded, a rollback), checking it every `interval`: true once it holds, false if
/// `timeout` passes first. For `#expect(await eventually { … })`.
///
/// A condition that is an event the test can subscribe to is better awaited directly; this is for
/// what can only be observed from outside (a process, a socket, a file, a daemon's API).
public func eventually(timeout: Duration = .seconds(20), interval: Duration = .milliseconds(50),
                       isolation: isolated (any Actor)? = #isolation,
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// `eventually`, for a step a test cannot go on without: throws `TimedOut` naming `what` if the
/// condition does not hold within `timeout`.
public func waitUntil(_ what: String, timeout: Duration = .seconds(15), interval: Duration = .milliseconds(10),
                      isolation: isolated (any Actor)? = #isolation,
                      _ condition: () async throws -> Bool) async throws {
    guard try await eventually(timeout: timeout, interval: interval, condition) else {
        throw TimedOut("\(what) did not happen within \(timeout)")
    }
}

/// Runs `body`, throwing `TimedOut` instead of hanging if it takes longer than `limit`.
public func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimedOut("did not happen within \(limit)")
        }
        return value
    }
}

/// The next element `stream` yields, or nil if it ends or `timeout` passes first.
public func nextElement<Element: Sendable>(of stream: AsyncStream<Element>,
                                           timeout: Duration = .seconds(20)) async -> Element? {
    let next = try? await within(timeout) { () async -> Element? in
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
    return next ?? nil
}

/// What a wait that ran out of time throws.
public struct TimedOut: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
