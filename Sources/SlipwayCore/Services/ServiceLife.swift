import Foundation
import SlipwayModel

/// The life of a service's serving release between deployments, as a plain state machine: its
/// instance serving (probed every `interval`, healthy or not), crashed (a restart due after a
/// backoff), restarting; the watch after a switch, within which turning unhealthy rolls back; and
/// the warm window, in which the release it replaced runs on unrouted until it is retired. No I/O
/// and no clock: each event carries the clock's reading, each answer says what to do.
struct ServiceLife: Sendable {
    /// Where the serving instance is.
    enum Serving: Sendable, Equatable {
        /// No active release.
        case none
        /// Up: probed when `nextProbeAt` comes.
        case up(nextProbeAt: Duration)
        /// Exited unasked: started again at `restartAt`.
        case crashed(restartAt: Duration)
    }

    /// What the supervisor should start now.
    enum Job: Sendable, Equatable {
        case probe(Instance)
        case restart(ActiveRelease)
        /// The watch ended: stop the warm instance of the release the active one replaced.
        case retire(Instance)
    }

    /// What follows from a probe's result or an exit.
    enum Effect: Sendable, Equatable {
        case audit(AuditAction, String)
        /// The active release turned unhealthy within its watch: roll back to the one it replaced.
        case rollBack(reason: String)
        /// The active instance is gone: requests get a 503 until it is back.
        case routeNowhere
        /// The warm instance is gone: the active release's record loses it.
        case record(ActiveRelease)
    }

    let config: ServiceConfig
    private(set) var active: ActiveRelease?
    private(set) var health: LiveHealth
    private(set) var serving: Serving = .none
    /// Until when a health failure of the active release rolls it back automatically.
    private(set) var watchUntil: Duration?
    /// The deployment that switched to the active release, marked rolled back if the watch fails.
    private(set) var switchedBy: String?
    /// When the warm instance (`active.warm`) is stopped.
    private(set) var warmRetireAt: Duration?
    private(set) var restarts = 0
    private var backoff = RestartBackoff()
    /// When the serving instance started, for the backoff's uptime.
    private(set) var instanceStartedAt: Duration = .zero

    init(config: ServiceConfig) {
        self.config = config
        self.health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold)
    }

    var healthStatus: ServiceStatus.Health { active == nil ? .down : health.status }

    /// `active` now serves (a switch, a switch back): healthy, its watch armed, its warm window set
    /// from `warmUntil` (a date) as the clock's reading.
    mutating func activate(_ active: ActiveRelease, startedAt: Duration, now: Duration, date: Date) {
        self.active = active
        health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .healthy)
        serving = .up(nextProbeAt: now + config.health.interval)
        watchUntil = config.watch > .zero ? now + config.watch : nil
        instanceStartedAt = startedAt
        warmRetireAt = active.warmUntil.map { now + .seconds(max(0, $0.timeIntervalSince(date))) }
    }

    /// A failed smoke test switched back to `previous` (nil: nothing serves any more).
    mutating func switchedBack(to previous: ActiveRelease?, now: Duration, date: Date) {
        guard let previous else {
            active = nil
            serving = .none
            return
        }
        activate(previous, startedAt: instanceStartedAt, now: now, date: date)
        watchUntil = nil
    }

    mutating func markSwitched(by deployment: String) { switchedBy = deployment }

    /// The release rolled back to must not be rolled back again by the watch of the failed one.
    mutating func endWatch() { watchUntil = nil }

    /// After a daemon restart: the recorded active release, re-adopted (probed at once) or gone
    /// (started again at once).
    mutating func recovered(_ active: ActiveRelease, adopted: Bool, now: Duration) {
        self.active = active
        health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .unknown)
        serving = adopted ? .up(nextProbeAt: now) : .crashed(restartAt: now)
    }

    /// After a daemon restart: a warm instance re-adopted with the rest of its watch.
    mutating func recoveredWarm(remaining: Duration, switchedBy: String?, now: Duration) {
        warmRetireAt = now + remaining
        watchUntil = now + remaining
        self.switchedBy = switchedBy
    }

    /// The next job, if one is due. A probe moves the next one an interval on.
    mutating func dueJob(now: Duration) -> Job? {
        if let retireAt = warmRetireAt, retireAt <= now, let warm = active?.warm { return .retire(warm) }
        switch serving {
        case .crashed(let restartAt):
            guard restartAt <= now, let active else { return nil }
            return .restart(active)
        case .up(let nextProbeAt):
            guard nextProbeAt <= now, let instance = active?.instance else { return nil }
            serving = .up(nextProbeAt: now + config.health.interval)
            return .probe(instance)
        case .none:
            return nil
        }
    }

    /// A supervision probe of `instance` came back. Ignored when a deployment switched away meanwhile.
    mutating func probed(_ instance: Instance, _ result: ProbeResult, now: Duration) -> [Effect] {
        guard active?.instance == instance else { return [] }
        switch health.record(result) {
        case .none:
            return []
        case .recovered:
            return [.audit(.healthRecovered, "release \(instance.releaseID) is healthy again")]
        case .becameUnhealthy(let reason):
            let watching = watchUntil.map { now <= $0 } ?? false
            let unhealthy = Effect.audit(.healthUnhealthy, "release \(instance.releaseID) is unhealthy: \(reason)"
                + (watching ? " (within its watch period)" : ""))
            return watching ? [unhealthy, .rollBack(reason: reason)] : [unhealthy]
        }
    }

    /// An instance exited. The warm one exiting unasked is forgotten; the active one exiting unasked
    /// is a crash, restarted after a backoff. `deploying`: a deployment owns the route just now.
    mutating func exited(_ exit: InstanceExit, now: Duration, deploying: Bool) -> [Effect] {
        guard !exit.requested, var active else { return [] }
        if active.warm == exit.instance {
            active.warm = nil
            active.warmUntil = nil
            self.active = active
            warmRetireAt = nil
            return [.record(active), .audit(.releaseWarmExited, "warm release \(exit.instance.releaseID) (pid \(exit.instance.pid)) "
                + "\(exit.summary); a rollback to it will start it again")]
        }
        guard active.instance == exit.instance else { return [] }
        let delay = backoff.nextDelay(afterUptime: now - instanceStartedAt)
        serving = .crashed(restartAt: now + delay)
        health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .down)
        // Mid-deployment the flow owns the router; it either switches away or leaves the restart due.
        let route: [Effect] = deploying ? [] : [.routeNowhere]
        return route + [.audit(.releaseCrashed, "release \(exit.instance.releaseID) (pid \(exit.instance.pid)) \(exit.summary); "
            + "restarting in \(DurationText.format(delay))")]
    }

    /// The crashed release runs again as `instance`, healthy; its watch goes on as it was.
    mutating func restarted(_ restarted: ActiveRelease, startedAt: Duration, now: Duration, date: Date) {
        let watch = watchUntil
        activate(restarted, startedAt: startedAt, now: now, date: date)
        watchUntil = watch
        restarts += 1
    }

    /// The restart did not come back: try again after the next backoff.
    mutating func restartFailed(now: Duration) {
        serving = .crashed(restartAt: now + backoff.nextDelay(afterUptime: .zero))
    }

    /// The release to restart is no longer retained: nothing to start again. Its instance is
    /// probed as before, so a watch still sees it down.
    mutating func restartAbandoned(now: Duration) { serving = .up(nextProbeAt: now) }

    /// The warm instance was stopped or is gone. Returns the active release without it, to record,
    /// or nil when there was none.
    mutating func forgetWarm() -> ActiveRelease? {
        guard var active, active.warm != nil else { return nil }
        active.warm = nil
        active.warmUntil = nil
        self.active = active
        warmRetireAt = nil
        return active
    }

    /// At graceful shutdown: nothing is restarted any more.
    mutating func stopped() { serving = .none }
}
