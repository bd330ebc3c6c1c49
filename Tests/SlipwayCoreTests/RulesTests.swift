import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct HealthGateTests {
    let check = HealthCheckConfig(interval: .seconds(1), healthyThreshold: 2, startTimeout: .seconds(5))

    @Test func passesAfterConsecutiveSuccesses() {
        var gate = HealthGate(check: check, startedAt: .zero)
        #expect(gate.firstAction() == .probe(after: .zero))
        #expect(gate.handle(ProbeResult(healthy: true), at: .seconds(0)) == .probe(after: .seconds(1)))
        #expect(gate.handle(ProbeResult(healthy: true), at: .seconds(1)) == .pass)
    }

    @Test func aFailureResetsTheSuccessCount() {
        var gate = HealthGate(check: check, startedAt: .zero)
        _ = gate.handle(ProbeResult(healthy: true), at: .seconds(0))
        _ = gate.handle(ProbeResult(healthy: false, reason: "connection refused"), at: .seconds(1))
        #expect(gate.handle(ProbeResult(healthy: true), at: .seconds(2)) == .probe(after: .seconds(1)))
        #expect(gate.handle(ProbeResult(healthy: true), at: .seconds(3)) == .pass)
    }

    @Test func probesQuicklyUntilTheFirstAnswerThenEveryInterval() {
        var gate = HealthGate(check: check, startedAt: .zero)
        let refused = ProbeResult(healthy: false, reason: "connection refused")
        let delays = (0..<9).map { _ in gate.handle(refused, at: .milliseconds(1)) }
        #expect(delays == [10, 20, 40, 80, 160, 320, 640, 1000, 1000].map { .probe(after: .milliseconds($0)) })
        #expect(gate.handle(ProbeResult(healthy: true), at: .seconds(2)) == .probe(after: .seconds(1)))
        // Once it has answered, a failure waits the whole interval again.
        #expect(gate.handle(refused, at: .seconds(3)) == .probe(after: .seconds(1)))
    }

    @Test func failsAtStartTimeoutWithTheLastProbe() {
        var gate = HealthGate(check: check, startedAt: .seconds(10))
        _ = gate.handle(ProbeResult(healthy: true), at: .seconds(10))
        #expect(gate.handle(ProbeResult(healthy: false, status: 503), at: .seconds(14.5)) == .probe(after: .milliseconds(500)))
        guard case .fail(let reason) = gate.handle(ProbeResult(healthy: false, status: 503), at: .seconds(15)) else {
            Issue.record("expected failure")
            return
        }
        #expect(reason.contains("start_timeout 5s"))
        #expect(reason.contains("status 503"))
    }
}

@Suite struct LiveHealthTests {
    @Test func becomesUnhealthyAtTheThresholdOnceAndRecovers() {
        var health = LiveHealth(unhealthyThreshold: 3, status: .healthy)
        let bad = ProbeResult(healthy: false, reason: "timed out")
        #expect(health.record(bad) == .none)
        #expect(health.record(bad) == .none)
        guard case .becameUnhealthy = health.record(bad) else { Issue.record("expected unhealthy"); return }
        #expect(health.record(bad) == .none)
        #expect(health.record(ProbeResult(healthy: true)) == .recovered)
        #expect(health.status == .healthy)
    }
}

@Suite struct RestartBackoffTests {
    @Test func doublesUpToTheMaximumAndResetsAfterAStableRun() {
        var backoff = RestartBackoff(initial: .milliseconds(500), maximum: .seconds(4), resetAfter: .seconds(60))
        let delays = (0..<6).map { _ in backoff.nextDelay(afterUptime: .seconds(1)) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(backoff.nextDelay(afterUptime: .seconds(120)) == .milliseconds(500))
    }
}

@Suite struct RetentionPolicyTests {
    func release(_ id: String) -> Release {
        Release(id: id, service: "web", ref: id, commit: id, version: id, directory: "/r/\(id)", createdAt: Date(), buildSeconds: 0)
    }

    @Test func keepsTheNewestAndProtectedOnes() {
        let releases = ["r5", "r4", "r3", "r2", "r1"].map(release)
        let pruned = RetentionPolicy(retain: 2).releasesToPrune(releases, protecting: ["r1"])
        #expect(pruned.map(\.id) == ["r3", "r2"])
    }
}
