import Foundation
import SlipwayModel

/// Who holds a service: a deployment, a rollback or a restart.
struct ServiceLock: Sendable {
    var deploymentID: String?
    var actor: String
    var what: String
}

/// Every service's view, in one place with one owner: its configuration, the life of its serving
/// release (`ServiceLife`), who holds it, and the exits a health gate may ask about. The
/// deployment runner, the supervisor, recovery and the queries all read and change it here; each
/// change is one call, so none of them sees another's half-made change.
actor ServiceTable {
    struct Entry: Sendable {
        var life: ServiceLife
        var lock: ServiceLock?
        /// A probe, restart or retirement is running for it in the supervision loop.
        var busy = false
        var exits = ExitLedger()

        var config: ServiceConfig { life.config }
    }

    private var entries: [String: Entry]
    private let file: String
    /// In the order `slipway.yml` lists them.
    let services: [ServiceConfig]
    private let clock: any MonotonicClock
    private let date: @Sendable () -> Date

    init(config: ProjectConfig, clock: any MonotonicClock, now date: @escaping @Sendable () -> Date) {
        var entries: [String: Entry] = [:]
        for service in config.services { entries[service.name] = Entry(life: ServiceLife(config: service)) }
        self.entries = entries
        self.file = config.file
        self.services = config.services
        self.clock = clock
        self.date = date
    }

    nonisolated func config(_ name: String) throws -> ServiceConfig {
        guard let service = services.first(where: { $0.name == name }) else {
            let known = services.map(\.name).joined(separator: ", ")
            throw SlipwayError(.unknownService, "no service named \"\(name)\" in \(file) (services: \(known))",
                               context: ErrorContext(service: name))
        }
        return service
    }

    func entry(_ name: String) -> Entry? { entries[name] }
    func active(_ name: String) -> ActiveRelease? { entries[name]?.life.active }

    // MARK: locks

    /// Takes a service's lock or refuses at once, naming who holds it.
    func acquire(_ name: String, _ lock: ServiceLock) throws {
        if let held = entries[name]?.lock {
            let what = held.deploymentID.map { "\(held.what) \($0)" } ?? held.what
            throw SlipwayError(.deploymentInProgress,
                               "\(name) is busy: \(what) started by \(held.actor) is running; try again when it ends",
                               context: ErrorContext(service: name, deployment: held.deploymentID))
        }
        entries[name]?.lock = lock
    }

    func release(_ name: String) { entries[name]?.lock = nil }

    // MARK: what deployments change

    func activate(_ active: ActiveRelease, startedAt: Duration) {
        entries[active.service]?.life.activate(active, startedAt: startedAt, now: clock.now, date: date())
    }

    func switchedBack(_ name: String, to previous: ActiveRelease?) {
        entries[name]?.life.switchedBack(to: previous, now: clock.now, date: date())
    }

    func markSwitched(_ name: String, by deployment: String) { entries[name]?.life.markSwitched(by: deployment) }
    func endWatch(_ name: String) { entries[name]?.life.endWatch() }

    /// Clears the warm instance; returns the active release without it, to record, or nil.
    func forgetWarm(_ name: String) -> ActiveRelease? { entries[name]?.life.forgetWarm() }

    // MARK: exits

    func claimExits(of instance: Instance) { entries[instance.service]?.exits.claim(instance) }
    func unclaimExits(of instance: Instance) { entries[instance.service]?.exits.release(instance) }
    func exitSummary(of instance: Instance) -> String? { entries[instance.service]?.exits.summary(of: instance) }

    /// How a starting instance ended, once the runtime has reported its exit (it is usually a few
    /// milliseconds behind the probe that found the instance gone).
    func howItExited(_ instance: Instance) async -> String {
        for _ in 0..<25 {
            if let summary = exitSummary(of: instance) { return summary }
            do { try await clock.sleep(for: .milliseconds(10)) } catch { break }
        }
        return "exited"
    }

    /// Notes an exit and says what follows from it for the service's serving release.
    func exited(_ exit: InstanceExit) -> [ServiceLife.Effect] {
        let name = exit.instance.service
        guard var entry = entries[name] else { return [] }
        let serving = entry.life.active?.instance == exit.instance || entry.life.active?.warm == exit.instance
        entry.exits.note(exit, serving: serving)
        let effects = entry.life.exited(exit, now: clock.now, deploying: entry.lock != nil)
        entries[name] = entry
        return effects
    }

    // MARK: supervision

    /// What the supervision loop should start now; marks those services busy. A service a
    /// deployment holds is left alone.
    func takeDueJobs() -> [(service: String, job: ServiceLife.Job)] {
        let now = clock.now
        var jobs: [(String, ServiceLife.Job)] = []
        for name in entries.keys.sorted() {
            guard var entry = entries[name], !entry.busy, entry.lock == nil, let job = entry.life.dueJob(now: now) else { continue }
            entry.busy = true
            entries[name] = entry
            jobs.append((name, job))
        }
        return jobs
    }

    func jobEnded(_ name: String) { entries[name]?.busy = false }

    /// A supervision probe came back; ignored while a deployment holds the service.
    func probed(_ instance: Instance, _ result: ProbeResult) -> [ServiceLife.Effect] {
        guard entries[instance.service]?.lock == nil else { return [] }
        return entries[instance.service]?.life.probed(instance, result, now: clock.now) ?? []
    }

    func restarted(_ name: String, as restarted: ActiveRelease, startedAt: Duration) {
        entries[name]?.life.restarted(restarted, startedAt: startedAt, now: clock.now, date: date())
    }

    func restartFailed(_ name: String) { entries[name]?.life.restartFailed(now: clock.now) }
    func restartAbandoned(_ name: String) { entries[name]?.life.restartAbandoned(now: clock.now) }

    // MARK: recovery and shutdown

    func recovered(_ active: ActiveRelease, adopted: Bool) {
        entries[active.service]?.life.recovered(active, adopted: adopted, now: clock.now)
    }

    func recoveredWarm(_ name: String, remaining: Duration, switchedBy: String?) {
        entries[name]?.life.recoveredWarm(remaining: remaining, switchedBy: switchedBy, now: clock.now)
    }

    func stopped(_ name: String) { entries[name]?.life.stopped() }
}
