import SlipwayModel

/// Decides when a starting release is healthy enough for traffic, as a plain state machine:
/// feed it probe results and the time, act on what it returns. No I/O, so it is tested without sockets.
///
/// Until a release answers its first probe, probes follow each other quickly (10 ms, doubling up to
/// `interval`): a service that is not listening yet at the first probe must not cost a whole
/// interval. From the first success on, probes are `interval` apart.
package struct HealthGate: Sendable {
    package enum Action: Sendable, Equatable {
        /// Probe again after this long.
        case probe(after: Duration)
        /// `healthy_threshold` consecutive successes: the release may take traffic.
        case pass
        /// `start_timeout` passed, or the instance exited: the deployment fails with this reason.
        case fail(reason: String)
    }

    package let check: HealthCheckConfig
    package let startedAt: Duration
    package private(set) var consecutiveSuccesses = 0
    package private(set) var probes = 0
    package private(set) var lastResult: ProbeResult?
    /// Whether any probe has succeeded yet.
    package private(set) var answered = false
    /// Failed probes since the start, while none has succeeded.
    private var failuresBeforeAnswer = 0

    /// The first retry after a failed probe of a release that has not answered yet.
    package static let firstRetry: Duration = .milliseconds(10)

    /// `startedAt` is the clock reading (as a duration since any fixed origin) when the instance started.
    package init(check: HealthCheckConfig, startedAt: Duration) {
        self.check = check
        self.startedAt = startedAt
    }

    /// The first probe goes out at once: a fast service should not wait an interval.
    package func firstAction() -> Action { .probe(after: .zero) }

    package mutating func handle(_ result: ProbeResult, at now: Duration) -> Action {
        probes += 1
        lastResult = result
        if result.healthy {
            answered = true
            consecutiveSuccesses += 1
            if consecutiveSuccesses >= check.healthyThreshold { return .pass }
        } else {
            consecutiveSuccesses = 0
            if !answered { failuresBeforeAnswer += 1 }
        }
        let elapsed = now - startedAt
        if elapsed >= check.startTimeout {
            return .fail(reason: "not healthy within start_timeout \(DurationText.format(check.startTimeout)) "
                + "after \(probes) probe\(probes == 1 ? "" : "s"); last probe: \(result.summary)")
        }
        let remaining = check.startTimeout - elapsed
        return .probe(after: min(nextInterval, remaining))
    }

    /// `interval` once the release has answered; before, 10 ms doubling with each failure up to it.
    private var nextInterval: Duration {
        guard !answered, failuresBeforeAnswer > 0 else { return check.interval }
        let doublings = min(failuresBeforeAnswer - 1, 20)
        return min(check.interval, Self.firstRetry * (1 << doublings))
    }

    package mutating func instanceExited(_ exit: String) -> Action {
        .fail(reason: "the release \(exit) before it became healthy"
            + (lastResult.map { "; last probe: \($0.summary)" } ?? ""))
    }
}
