import Foundation
import Logging
import SlipwayModel

/// The controller: deploys, rolls back, supervises what runs, and recovers after a restart.
///
/// One actor owns every service's view (active release, live health, locks); the long waits of a
/// deployment (builds, probes, drains) happen in its async methods, whose reentrancy lets status
/// queries and other services' deployments proceed meanwhile. A service's lock is taken and checked
/// synchronously at the start of each flow, so two flows of one service never interleave.
public actor DeploymentController {
    public struct Dependencies: Sendable {
        public var store: any ReleaseStore
        public var runtime: any Runtime
        public var router: any TrafficRouter
        public var probe: any HealthProbe
        public var builder: any ReleaseBuilder
        public var clock: any MonotonicClock
        public var now: @Sendable () -> Date
        public var logger: Logger
        /// Runs checks and smoke scripts; required when a service declares them.
        public var runner: (any StageCommandRunner)?
        /// Backs up and migrates databases; required when a service declares one.
        public var migrator: (any DatabaseMigrating)?
        public var notifier: any Notifier
        /// Hides secrets in every log line and message of a deployment's record.
        public var redactor: Redactor
        /// How long after its success a deployment's rollback is expected (recorded as its deadline).
        public var rollbackWindow: Duration
        /// What changed between commits, for `deploy --changed`.
        public var changes: (any ChangeSource)?

        public init(store: any ReleaseStore, runtime: any Runtime, router: any TrafficRouter, probe: any HealthProbe,
                    builder: any ReleaseBuilder, clock: any MonotonicClock = SystemClock(),
                    now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
                    runner: (any StageCommandRunner)? = nil, migrator: (any DatabaseMigrating)? = nil,
                    notifier: any Notifier = SilentNotifier(), redactor: Redactor = Redactor(),
                    rollbackWindow: Duration = .seconds(3600), changes: (any ChangeSource)? = nil) {
            self.store = store
            self.runtime = runtime
            self.router = router
            self.probe = probe
            self.builder = builder
            self.clock = clock
            self.now = now
            self.logger = logger
            self.runner = runner
            self.migrator = migrator
            self.notifier = notifier
            self.redactor = redactor
            self.rollbackWindow = rollbackWindow
            self.changes = changes
        }
    }

    /// Who holds a service: a deployment, a rollback or a restart.
    struct ServiceLock: Sendable {
        var deploymentID: String?
        var actor: String
        var what: String
    }

    /// The controller's view of one service.
    struct ServiceState: Sendable {
        var config: ServiceConfig
        var active: ActiveRelease?
        var health: LiveHealth
        var nextProbeAt: Duration = .zero
        /// Until when a health failure of the active release rolls it back automatically.
        var watchUntil: Duration?
        /// The deployment that switched to the active release, marked rolled back if the watch fails.
        var switchedBy: String?
        /// When (clock) the supervision loop stops `active.warm`, the replaced release kept running.
        var warmRetireAt: Duration?
        var restarts = 0
        var backoff = RestartBackoff()
        var restartAt: Duration?
        var instanceStartedAt: Duration = .zero
        var lock: ServiceLock?
        /// A probe, restart or automatic rollback is running for it in the supervision loop.
        var busy = false
        /// Instances being health-gated, and how those that exited meanwhile ended.
        var starting: Set<Instance> = []
        var startingExits: [Instance: String] = [:]
        /// The last few unrequested exits of instances that were neither serving nor known as
        /// starting: an instance that dies as it starts can be reported before its deployment,
        /// back from `start`, has marked it as starting. `howItExited` looks here too.
        var unclaimedExits: [(instance: Instance, summary: String)] = []

        mutating func rememberUnclaimedExit(_ instance: Instance, _ summary: String) {
            unclaimedExits.append((instance, summary))
            if unclaimedExits.count > 8 { unclaimedExits.removeFirst() }
        }

        init(config: ServiceConfig) {
            self.config = config
            self.health = LiveHealth(unhealthyThreshold: config.health.unhealthyThreshold)
        }
    }

    let config: ProjectConfig
    let deps: Dependencies
    var services: [String: ServiceState]
    /// How often the supervision loop looks for due probes and restarts.
    let tick: Duration

    public init(config: ProjectConfig, dependencies: Dependencies, tick: Duration = .milliseconds(50)) {
        self.config = config
        self.deps = dependencies
        self.tick = tick
        var services: [String: ServiceState] = [:]
        for service in config.services { services[service.name] = ServiceState(config: service) }
        self.services = services
    }

    var logger: Logger { deps.logger }

    func serviceConfig(_ name: String) throws -> ServiceConfig {
        guard let state = services[name] else {
            let known = config.services.map(\.name).joined(separator: ", ")
            throw SlipwayError(.unknownService, "no service named \"\(name)\" in \(config.file) (services: \(known))",
                               context: ErrorContext(service: name))
        }
        return state.config
    }

    /// Takes a service's lock or refuses at once, naming who holds it.
    func acquire(_ service: String, _ lock: ServiceLock) throws {
        if let held = services[service]?.lock {
            let what = held.deploymentID.map { "\(held.what) \($0)" } ?? held.what
            throw SlipwayError(.deploymentInProgress,
                               "\(service) is busy: \(what) started by \(held.actor) is running; try again when it ends",
                               context: ErrorContext(service: service, deployment: held.deploymentID))
        }
        services[service]?.lock = lock
    }

    func release(_ service: String) {
        services[service]?.lock = nil
    }

    func audit(_ action: AuditAction, service: String?, deployment: String? = nil, actor: String = "slipway", _ detail: String) async {
        let entry = AuditEntry(at: deps.now(), actor: actor, action: action, service: service, deployment: deployment, detail: detail)
        do {
            try await deps.store.appendAudit(entry)
        } catch {
            logger.error("could not append to the audit trail", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }
}
