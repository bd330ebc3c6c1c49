import Foundation

/// Polls `condition` until it holds or `timeout` passes; true when it held. Tests wait on events
/// (a port that answers, a container gone), never on a fixed sleep.
func eventually(timeout: Duration = .seconds(20), interval: Duration = .milliseconds(100),
                _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// The next exit the stream reports, or nil after `timeout`.
func nextElement<Element: Sendable>(of stream: AsyncStream<Element>, timeout: Duration = .seconds(20)) async -> Element? {
    await withTaskGroup(of: Element?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
