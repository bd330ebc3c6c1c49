import Foundation
import SlipwayModel

/// The life of a service's serving release between deployments, as a plain state machine: each of
/// its instances (a replica, in a slot of its own) serving (probed every `interval`, healthy or
/// not), crashed (a restart due after a backoff), restarting; the watch after a switch, within
/// which the release turning unhealthy rolls back; and the warm window, in which the release it
/// replaced runs on unrouted until it is retired. No I/O and no clock: each event carries the
/// clock's reading, each answer says what to do.
///
/// A replica that fails `unhealthy_threshold` probes in a row leaves the proxy's pool (while another
/// replica is healthy) and comes back when it answers again; one that exits is restarted after its
/// own backoff. The release as a whole is unhealthy when fewer than half its replicas are healthy:
/// that, within the watch, is what rolls it back.
struct ServiceLife: Sendable {
    /// Where a serving instance is.
    enum Serving: Sendable, Equatable {
        /// No active release.
        case none
        /// Up: probed when `nextProbeAt` comes.
        case up(nextProbeAt: Duration)
        /// Exited unasked: started again at `restartAt`.
        case crashed(restartAt: Duration)
    }

    /// One instance of the active release: slot 0 is `active.instance`, slot n `active.replicas[n - 1]`.
    struct Slot: Sendable, Equatable {
        var health: LiveHealth
        var serving: Serving
        var backoff = RestartBackoff()
        /// When the instance started, for the backoff's uptime.
        var startedAt: Duration
    }

    /// What the supervisor should start now.
    enum Job: Sendable, Equatable {
        /// Probe these replicas (each due now), side by side.
        case probe([Instance])
        /// Start the release again in `slot`, in place of its crashed instance.
        case restart(ActiveRelease, slot: Int)
        /// The watch ended: stop the warm instances of the release the active one replaced.
        case retire([Instance])
    }

    /// What follows from a probe's result or an exit.
    enum Effect: Sendable, Equatable {
        case audit(AuditAction, String)
        /// The active release turned unhealthy within its watch: roll back to the one it replaced.
        case rollBack(reason: String)
        /// Where the service's requests go now: the replicas in the pool (none: 503 until one is back).
        case route([Upstream])
        /// The warm instances changed: the active release's record with what is left of them.
        case record(ActiveRelease)
    }

    let config: ServiceConfig
    private(set) var active: ActiveRelease?
    private(set) var slots: [Slot] = []
    /// Until when a health failure of the active release rolls it back automatically.
    private(set) var watchUntil: Duration?
    /// The deployment that switched to the active release, marked rolled back if the watch fails.
    private(set) var switchedBy: String?
    /// When the warm instances (`active.warmInstances`) are stopped.
    private(set) var warmRetireAt: Duration?
    private(set) var restarts = 0

    init(config: ServiceConfig) {
        self.config = config
    }

    /// The release's health as a whole: healthy while at least half its replicas are (and one is).
    var healthStatus: ServiceStatus.Health {
        guard active != nil, !slots.isEmpty else { return .down }
        if slots.count == 1 { return slots[0].health.status }
        let count = { (status: ServiceStatus.Health) in self.slots.filter { $0.health.status == status }.count }
        if count(.down) == slots.count { return .down }
        let healthy = count(.healthy)
        if healthy > 0, healthy * 2 >= slots.count { return .healthy }
        if (healthy + count(.unknown)) * 2 >= slots.count, count(.unknown) > 0 { return .unknown }
        return .unhealthy
    }

    /// Each replica's health, slot by slot.
    var replicaHealth: [ServiceStatus.Health] { slots.map(\.health.status) }

    /// Where requests should go: the replicas up and not unhealthy; when none is, every replica
    /// that is up (a failing release answers better than nothing does).
    var routed: [Upstream] {
        guard let active else { return [] }
        let instances = active.instances
        var up: [Upstream] = []
        var good: [Upstream] = []
        for (slot, instance) in zip(slots, instances) {
            guard case .up = slot.serving else { continue }
            up.append(instance.upstream)
            if slot.health.status != .unhealthy, slot.health.status != .down { good.append(instance.upstream) }
        }
        return good.isEmpty ? up : good
    }

    /// `active` now serves (a switch, a switch back): healthy, its watch armed, its warm window set
    /// from `warmUntil` (a date) as the clock's reading.
    mutating func activate(_ active: ActiveRelease, startedAt: Duration, now: Duration, date: Date) {
        self.active = active
        slots = active.instances.map { _ in
            Slot(health: LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .healthy),
                 serving: .up(nextProbeAt: now + config.health.interval), startedAt: startedAt)
        }
        watchUntil = config.watch > .zero ? now + config.watch : nil
        warmRetireAt = active.warmUntil.map { now + .seconds(max(0, $0.timeIntervalSince(date))) }
    }

    /// A failed smoke test switched back to `previous` (nil: nothing serves any more).
    mutating func switchedBack(to previous: ActiveRelease?, now: Duration, date: Date) {
        guard let previous else {
            active = nil
            slots = []
            return
        }
        activate(previous, startedAt: slots.first?.startedAt ?? now, now: now, date: date)
        watchUntil = nil
    }

    mutating func markSwitched(by deployment: String) { switchedBy = deployment }

    /// The release rolled back to must not be rolled back again by the watch of the failed one.
    mutating func endWatch() { watchUntil = nil }

    /// After a daemon restart: the recorded active release, each instance re-adopted (probed at
    /// once) or gone (started again at once), slot by slot as `adopted` says.
    mutating func recovered(_ active: ActiveRelease, adopted: [Bool], now: Duration) {
        self.active = active
        slots = active.instances.indices.map { index in
            let alive = index < adopted.count && adopted[index]
            return Slot(health: LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: alive ? .unknown : .down),
                        serving: alive ? .up(nextProbeAt: now) : .crashed(restartAt: now), startedAt: now)
        }
    }

    /// After a daemon restart: warm instances re-adopted with the rest of their watch.
    mutating func recoveredWarm(remaining: Duration, switchedBy: String?, now: Duration) {
        warmRetireAt = now + remaining
        watchUntil = now + remaining
        self.switchedBy = switchedBy
    }

    /// The next job, if one is due: a retirement, then a restart, then every replica's probe that
    /// is due (each moved an interval on).
    mutating func dueJob(now: Duration) -> Job? {
        if let retireAt = warmRetireAt, retireAt <= now, let warm = active?.warmInstances, !warm.isEmpty { return .retire(warm) }
        guard let active else { return nil }
        for index in slots.indices {
            if case .crashed(let restartAt) = slots[index].serving, restartAt <= now { return .restart(active, slot: index) }
        }
        let instances = active.instances
        var due: [Instance] = []
        for index in slots.indices where index < instances.count {
            guard case .up(let nextProbeAt) = slots[index].serving, nextProbeAt <= now else { continue }
            slots[index].serving = .up(nextProbeAt: now + config.health.interval)
            due.append(instances[index])
        }
        return due.isEmpty ? nil : .probe(due)
    }

    /// A supervision probe of `instance` came back. Ignored when a deployment switched away meanwhile.
    mutating func probed(_ instance: Instance, _ result: ProbeResult, now: Duration) -> [Effect] {
        guard let slot = active?.instances.firstIndex(of: instance) else { return [] }
        let wasUnhealthy = healthStatus == .unhealthy
        let before = routed
        let transition = slots[slot].health.record(result)
        let name = slots.count == 1 ? "release \(instance.releaseID)" : "replica \(slot + 1) of release \(instance.releaseID)"
        let moved: [Effect] = routed == before ? [] : [.route(routed)]
        switch transition {
        case .none:
            return moved
        case .recovered:
            return [.audit(.healthRecovered, "\(name) is healthy again" + (moved.isEmpty ? "" : "; back in the pool"))] + moved
        case .becameUnhealthy(let reason):
            let watching = watchUntil.map { now <= $0 } ?? false
            let releaseUnhealthy = !wasUnhealthy && healthStatus == .unhealthy
            let left = moved.isEmpty ? "" : "; out of the pool until it answers again"
            let unhealthy = Effect.audit(.healthUnhealthy, "\(name) is unhealthy: \(reason)" + left
                + (watching && releaseUnhealthy ? " (within its watch period)" : ""))
            return [unhealthy] + moved + (watching && releaseUnhealthy ? [.rollBack(reason: reason)] : [])
        }
    }

    /// An instance exited. A warm one exiting unasked is forgotten; an active one exiting unasked
    /// is a crash, restarted after its backoff. `deploying`: a deployment owns the route just now.
    mutating func exited(_ exit: InstanceExit, now: Duration, deploying: Bool) -> [Effect] {
        guard !exit.requested, var active else { return [] }
        if active.warmInstances.contains(exit.instance) {
            let left = active.warmInstances.filter { $0 != exit.instance }
            active.warm = left.first
            active.warmReplicas = Array(left.dropFirst())
            if left.isEmpty {
                active.warmUntil = nil
                warmRetireAt = nil
            }
            self.active = active
            return [.record(active), .audit(.releaseWarmExited, "warm release \(exit.instance.releaseID) (pid \(exit.instance.pid)) "
                + "\(exit.summary); a rollback to it will start it again")]
        }
        guard let slot = active.instances.firstIndex(of: exit.instance) else { return [] }
        let before = routed
        let delay = slots[slot].backoff.nextDelay(afterUptime: now - slots[slot].startedAt)
        slots[slot].serving = .crashed(restartAt: now + delay)
        slots[slot].health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .down)
        // Mid-deployment the flow owns the router; it either switches away or leaves the restart due.
        let route: [Effect] = deploying || routed == before ? [] : [.route(routed)]
        let name = slots.count == 1 ? "release \(exit.instance.releaseID)" : "replica \(slot + 1) of release \(exit.instance.releaseID)"
        return route + [.audit(.releaseCrashed, "\(name) (pid \(exit.instance.pid)) \(exit.summary); "
            + "restarting in \(DurationText.format(delay))")]
    }

    /// The crashed replica in `slot` runs again as `instance`, healthy; the watch goes on as it
    /// was. Returns the active release as it now is, and where requests should go.
    mutating func restarted(slot: Int, as instance: Instance, startedAt: Duration, now: Duration) -> ActiveRelease? {
        guard var active, slot < slots.count else { return nil }
        if slot == 0 { active.instance = instance } else if slot - 1 < active.replicas.count { active.replicas[slot - 1] = instance }
        self.active = active
        slots[slot].health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold, status: .healthy)
        slots[slot].serving = .up(nextProbeAt: now + config.health.interval)
        slots[slot].startedAt = startedAt
        restarts += 1
        return active
    }

    /// The restart did not come back: try again after the slot's next backoff.
    mutating func restartFailed(slot: Int, now: Duration) {
        guard slot < slots.count else { return }
        slots[slot].serving = .crashed(restartAt: now + slots[slot].backoff.nextDelay(afterUptime: .zero))
    }

    /// The release to restart is no longer retained: nothing to start again. Its instance is
    /// probed as before, so a watch still sees it down.
    mutating func restartAbandoned(slot: Int, now: Duration) {
        guard slot < slots.count else { return }
        slots[slot].serving = .up(nextProbeAt: now)
    }

    /// The warm instances were stopped or are gone. Returns the active release without them, to
    /// record, or nil when there were none.
    mutating func forgetWarm() -> ActiveRelease? {
        guard var active, active.warm != nil || !active.warmReplicas.isEmpty else { return nil }
        active.warm = nil
        active.warmReplicas = []
        active.warmUntil = nil
        self.active = active
        warmRetireAt = nil
        return active
    }

    /// At graceful shutdown: nothing is restarted any more.
    mutating func stopped() {
        for index in slots.indices { slots[index].serving = .none }
    }
}
