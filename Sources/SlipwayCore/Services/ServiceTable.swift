import Foundation
import SlipwayModel

/// Who holds a service: a deployment, a rollback or a restart.
struct ServiceLock: Sendable {
    var deploymentID: String?
    var actor: String
    var what: String
    /// Whether the holder owns the service's route and instances now. A deploy does not while it
    /// builds, checks and migrates: its serving release is supervised meanwhile (probed, restarted,
    /// routed) as between deployments, until the deploy claims the route for its cutover.
    var ownsRoute = true
    /// A canary's or blue-green's rollout runs: the release that serves beside the new one is
    /// supervised, but where its requests go is the deployment's to say (its split or preview), so a
    /// change of its instances is handed to the deployment rather than routed.
    var routedByDeployment = false
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

    private var entries: [ServiceKey: Entry]
    private let file: String
    /// In the order `slipway.yml` lists them: environment by environment.
    let services: [ServiceConfig]
    /// The environments' names, in the file's order (`default` alone without `environments:`).
    let environments: [String]
    private let clock: any MonotonicClock
    private let date: @Sendable () -> Date

    init(config: ProjectConfig, clock: any MonotonicClock, now date: @escaping @Sendable () -> Date) {
        var entries: [ServiceKey: Entry] = [:]
        for service in config.services { entries[service.key] = Entry(life: ServiceLife(config: service)) }
        self.entries = entries
        self.file = config.file
        self.services = config.services
        self.environments = config.environments.map(\.name)
        self.clock = clock
        self.date = date
    }

    /// The configuration of the service a request names, in the environment it names: left out,
    /// the only environment there is (a file without `environments:` has one, `default`).
    nonisolated func config(_ name: String, environment: String? = nil) throws -> ServiceConfig {
        let environment = try self.environment(environment)
        guard let service = services.first(where: { $0.key == ServiceKey(environment: environment, service: name) }) else {
            let known = services.filter { $0.environment == environment }.map(\.name).joined(separator: ", ")
            let place = environment == ServiceKey.defaultEnvironment ? "" : " of environment \(environment)"
            throw SlipwayError(.unknownService, "no service named \"\(name)\"\(place) in \(file) (services: \(known))",
                               context: ErrorContext(service: name))
        }
        return service
    }

    /// The environment a request names, checked; nil names the only one, and is refused when
    /// there are several.
    nonisolated func environment(_ name: String?) throws -> String {
        guard let name else {
            guard environments.count == 1 else {
                throw SlipwayError(.badRequest, "\(file) declares \(environments.count) environments (\(environments.joined(separator: ", "))): "
                                   + "name one with --env")
            }
            return environments[0]
        }
        guard environments.contains(name) else {
            throw SlipwayError(.unknownService, "no environment named \"\(name)\" in \(file) (environments: \(environments.joined(separator: ", ")))")
        }
        return name
    }

    /// The services of one environment, in the file's order.
    nonisolated func services(in environment: String) -> [ServiceConfig] {
        services.filter { $0.environment == environment }
    }

    nonisolated func config(_ key: ServiceKey) -> ServiceConfig? { services.first { $0.key == key } }

    func entry(_ key: ServiceKey) -> Entry? { entries[key] }
    func active(_ key: ServiceKey) -> ActiveRelease? { entries[key]?.life.active }

    // MARK: locks

    /// Takes a service's lock or refuses at once, naming who holds it.
    func acquire(_ key: ServiceKey, _ lock: ServiceLock) throws {
        if let held = entries[key]?.lock {
            let what = held.deploymentID.map { "\(held.what) \($0)" } ?? held.what
            throw SlipwayError(.deploymentInProgress,
                               "\(key) is busy: \(what) started by \(held.actor) is running; try again when it ends",
                               context: ErrorContext(service: key.service, deployment: held.deploymentID))
        }
        entries[key]?.lock = lock
    }

    func release(_ key: ServiceKey) { entries[key]?.lock = nil }

    /// The deploy holding `key` prepares (builds, checks, migrates): supervision goes on meanwhile.
    func lendRoute(_ key: ServiceKey) { entries[key]?.lock?.ownsRoute = false }

    /// The deployment holding `key` runs a rollout beside the serving release: supervision goes on,
    /// its routing goes through the deployment.
    func lendBaseline(_ key: ServiceKey) {
        entries[key]?.lock?.ownsRoute = false
        entries[key]?.lock?.routedByDeployment = true
    }

    /// Whether a change of the serving release's instances goes to the deployment, not the proxy.
    func routedByDeployment(_ key: ServiceKey) -> Bool { entries[key]?.lock?.routedByDeployment == true }

    /// The deploy holding `key` takes its route for the cutover: supervision stops starting jobs for
    /// it. Returns what serves now once no supervision job of the service runs any more; nil
    /// (`ready` false) while one still does, to be asked again.
    func claimRoute(_ key: ServiceKey) -> (ready: Bool, active: ActiveRelease?) {
        entries[key]?.lock?.ownsRoute = true
        entries[key]?.lock?.routedByDeployment = false
        guard entries[key]?.busy != true else { return (false, nil) }
        return (true, entries[key]?.life.active)
    }

    /// How a restart may go on: under a lock of its own, or beside a deploy that prepares.
    enum RestartAdmission { case acquired, alongside, refused }

    func admitRestart(_ key: ServiceKey, _ lock: ServiceLock) -> RestartAdmission {
        guard let held = entries[key]?.lock else {
            entries[key]?.lock = lock
            return .acquired
        }
        return held.ownsRoute ? .refused : .alongside
    }

    // MARK: what deployments change

    func activate(_ active: ActiveRelease, startedAt: Duration) {
        entries[active.key]?.life.activate(active, startedAt: startedAt, now: clock.now, date: date())
    }

    func switchedBack(_ key: ServiceKey, to previous: ActiveRelease?) {
        entries[key]?.life.switchedBack(to: previous, now: clock.now, date: date())
    }

    func markSwitched(_ key: ServiceKey, by deployment: String) { entries[key]?.life.markSwitched(by: deployment) }
    func endWatch(_ key: ServiceKey) { entries[key]?.life.endWatch() }

    /// Clears the warm instance; returns the active release without it, to record, or nil.
    func forgetWarm(_ key: ServiceKey) -> ActiveRelease? { entries[key]?.life.forgetWarm() }

    // MARK: exits

    func claimExits(of instance: Instance) { entries[instance.key]?.exits.claim(instance) }
    func unclaimExits(of instance: Instance) { entries[instance.key]?.exits.release(instance) }
    func exitSummary(of instance: Instance) -> String? { entries[instance.key]?.exits.summary(of: instance) }

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
        let key = exit.instance.key
        guard var entry = entries[key] else { return [] }
        let serving = entry.life.active.map { $0.instances.contains(exit.instance) || $0.warmInstances.contains(exit.instance) } ?? false
        entry.exits.note(exit, serving: serving)
        let effects = entry.life.exited(exit, now: clock.now, deploying: entry.lock?.ownsRoute == true)
        entries[key] = entry
        return effects
    }

    // MARK: supervision

    /// What the supervision loop should start now; marks those services busy. A service whose
    /// route a deployment holds is left alone.
    func takeDueJobs() -> [(service: ServiceKey, job: ServiceLife.Job)] {
        let now = clock.now
        var jobs: [(ServiceKey, ServiceLife.Job)] = []
        for key in entries.keys.sorted() {
            guard var entry = entries[key], !entry.busy, entry.lock?.ownsRoute != true, let job = entry.life.dueJob(now: now) else { continue }
            entry.busy = true
            entries[key] = entry
            jobs.append((key, job))
        }
        return jobs
    }

    func jobEnded(_ key: ServiceKey) { entries[key]?.busy = false }

    /// A supervision probe came back; ignored once a deployment holds the service's route.
    func probed(_ instance: Instance, _ result: ProbeResult) -> [ServiceLife.Effect] {
        guard entries[instance.key]?.lock?.ownsRoute != true else { return [] }
        return entries[instance.key]?.life.probed(instance, result, now: clock.now) ?? []
    }

    /// The replica in `slot` runs again as `instance`; returns where the service's requests should go now.
    func restarted(_ key: ServiceKey, slot: Int, as instance: Instance, startedAt: Duration) -> [Upstream] {
        _ = entries[key]?.life.restarted(slot: slot, as: instance, startedAt: startedAt, now: clock.now)
        return entries[key]?.life.routed ?? []
    }

    func restartFailed(_ key: ServiceKey, slot: Int) { entries[key]?.life.restartFailed(slot: slot, now: clock.now) }
    func restartAbandoned(_ key: ServiceKey, slot: Int) { entries[key]?.life.restartAbandoned(slot: slot, now: clock.now) }

    /// Where the service's requests should go: its replicas in the pool.
    func routed(_ key: ServiceKey) -> [Upstream] { entries[key]?.life.routed ?? [] }

    // MARK: recovery and shutdown

    /// `adopted`: slot by slot, whether its instance still ran and was adopted.
    func recovered(_ active: ActiveRelease, adopted: [Bool]) {
        entries[active.key]?.life.recovered(active, adopted: adopted, now: clock.now)
    }

    func recoveredWarm(_ key: ServiceKey, remaining: Duration, switchedBy: String?) {
        entries[key]?.life.recoveredWarm(remaining: remaining, switchedBy: switchedBy, now: clock.now)
    }

    func stopped(_ key: ServiceKey) { entries[key]?.life.stopped() }
}
