/// How long to wait before restarting a crashed release: doubling from `initial` up to `maximum`,
/// reset once the release has stayed up for `resetAfter` (as systemd's and Kubernetes' crash loops do).
package struct RestartBackoff: Sendable, Equatable {
    package var initial: Duration
    package var maximum: Duration
    package var resetAfter: Duration
    package private(set) var attempts = 0

    package init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), resetAfter: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
    }

    /// The delay before the next restart, given how long the release ran before it crashed.
    package mutating func nextDelay(afterUptime uptime: Duration) -> Duration {
        if uptime >= resetAfter { attempts = 0 }
        var delay = initial
        for _ in 0..<min(attempts, 16) { delay = delay * 2 }
        attempts += 1
        return min(delay, maximum)
    }
}
