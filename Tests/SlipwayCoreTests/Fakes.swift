import Foundation
import Logging
import SlipwayCore
import SlipwayModel
import Synchronization

/// In-memory fakes of Core's own protocols; the world outside (processes, sockets, git) is tested
/// for real in the adapters' targets.
final class World: Sendable {
    struct State {
        var unhealthyVersions: Set<String> = []
        /// Paths every probe of fails (a smoke test's endpoint), whatever the release.
        var failingPaths: Set<String> = []
        var failingBuilds: Set<String> = []
        /// Versions whose process exits with status 127 as soon as it is started.
        var exitingAtOnce: Set<String> = []
        var alive: Set<Instance> = []
        var stopped: [Instance] = []
        var started: [Instance] = []
        var nextPid: Int32 = 1000
    }
    let state = Mutex(State())
    let exits: AsyncStream<InstanceExit>
    let exitContinuation: AsyncStream<InstanceExit>.Continuation

    init() {
        (exits, exitContinuation) = AsyncStream.makeStream()
    }

    func setHealthy(_ version: String, _ healthy: Bool) {
        state.withLock { if healthy { $0.unhealthyVersions.remove(version) } else { $0.unhealthyVersions.insert(version) } }
    }

    func crash(_ instance: Instance) {
        let wasAlive = state.withLock { $0.alive.remove(instance) != nil }
        if wasAlive { exitContinuation.yield(InstanceExit(instance: instance, status: 1, signal: nil, requested: false)) }
    }

    var aliveInstances: Set<Instance> { state.withLock { $0.alive } }
    var stoppedInstances: [Instance] { state.withLock { $0.stopped } }
    var startedInstances: [Instance] { state.withLock { $0.started } }
}

actor InMemoryStore: ReleaseStore {
    var releasesByService: [ServiceKey: [Release]] = [:]
    var deploymentsByID: [String: Deployment] = [:]
    var logs: [String: String] = [:]
    var actives: [ServiceKey: ActiveRelease] = [:]
    var auditEntries: [AuditEntry] = []

    func saveRelease(_ release: Release) { releasesByService[release.key, default: []].insert(release, at: 0) }
    func releases(service: ServiceKey) -> [Release] { releasesByService[service] ?? [] }
    func deleteRelease(service: ServiceKey, id: String) { releasesByService[service]?.removeAll { $0.id == id } }
    func saveDeployment(_ deployment: Deployment) { deploymentsByID[deployment.id] = deployment }
    func deployment(id: String) -> Deployment? { deploymentsByID[id] }
    func deployments(service: ServiceKey?, limit: Int) -> [Deployment] {
        Array(deploymentsByID.values.filter { service == nil || $0.key == service }
            .sorted { $0.startedAt > $1.startedAt }.prefix(limit))
    }
    func runningDeployments() -> [Deployment] { deploymentsByID.values.filter { $0.outcome == .running } }
    func appendLog(deployment: String, text: String) { logs[deployment, default: ""] += text }
    func log(deployment: String) -> String { logs[deployment] ?? "" }
    func setActive(_ active: ActiveRelease) { actives[active.key] = active }
    func clearActive(service: ServiceKey) { actives[service] = nil }
    func active(service: ServiceKey) -> ActiveRelease? { actives[service] }
    func allActive() -> [ActiveRelease] { Array(actives.values) }
    func appendAudit(_ entry: AuditEntry) {
        var entry = entry
        entry.sequence = Int64(auditEntries.count + 1)
        auditEntries.append(entry)
    }
    func audit(service: ServiceKey?, limit: Int) -> [AuditEntry] {
        Array(auditEntries.filter { service == nil || $0.key == service }.suffix(limit))
    }
}

struct FakeRuntime: Runtime {
    let world: World

    func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        let (instance, exitsAtOnce) = world.state.withLock { state in
            state.nextPid += 1
            let instance = Instance(service: service.name, releaseID: release.id, pid: state.nextPid,
                                    port: Int(state.nextPid), startToken: 1, logFile: "/dev/null")
            state.started.append(instance)
            let exits = state.exitingAtOnce.contains(release.version)
            if !exits { state.alive.insert(instance) }
            return (instance, exits)
        }
        if exitsAtOnce {
            world.exitContinuation.yield(InstanceExit(instance: instance, status: 127, signal: nil, requested: false))
            // As a real runtime can: the exit is reported, and handled by the supervision loop,
            // before `start` has returned to the deployment. The sleep is that window itself, not a
            // wait for an event: the controller is free to run the loop while `start` is suspended.
            try? await Task.sleep(for: .milliseconds(20))
        }
        return instance
    }

    func stop(_ instance: Instance, timeout: Duration) async {
        let wasAlive = world.state.withLock { state -> Bool in
            state.stopped.append(instance)
            return state.alive.remove(instance) != nil
        }
        if wasAlive { world.exitContinuation.yield(InstanceExit(instance: instance, status: 0, signal: nil, requested: true)) }
    }

    func isAlive(_ instance: Instance) async -> Bool { world.aliveInstances.contains(instance) }
    func adopt(_ instance: Instance) async {}
    var exits: AsyncStream<InstanceExit> { world.exits }
    func logTail(_ instance: Instance, lines: Int) async -> String { "fake log of \(instance.releaseID)" }
    func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        world.aliveInstances.filter { !recorded.contains($0) }.sorted { $0.pid < $1.pid }
    }
}

actor FakeRouter: TrafficRouter {
    var routes: [ServiceKey: RouteConfig] = [:]
    var upstreams: [ServiceKey: Upstream] = [:]
    var switches: [(ServiceKey, Upstream?)] = []
    var drained: [Upstream] = []

    func configure(service: ServiceKey, route: RouteConfig) { routes[service] = route }
    func switchTraffic(service: ServiceKey, to upstream: Upstream?) -> Upstream? {
        switches.append((service, upstream))
        let old = upstreams[service]
        upstreams[service] = upstream
        return old
    }
    func drain(_ upstream: Upstream, timeout: Duration) -> Int {
        drained.append(upstream)
        return 0
    }
    func upstream(of service: ServiceKey) -> Upstream? { upstreams[service] }
}

/// Healthy unless the release's version is marked unhealthy in the world, or the instance is dead.
struct FakeProbe: HealthProbe {
    let world: World
    let store: InMemoryStore

    func probe(_ upstream: Upstream, check: HealthCheckConfig) async -> ProbeResult {
        let alive = world.aliveInstances.contains { $0.port == upstream.port }
        guard alive else { return ProbeResult(healthy: false, reason: "connection refused") }
        if world.state.withLock({ $0.failingPaths.contains(check.path) }) {
            return ProbeResult(healthy: false, status: 500, reason: "expected status 200, got 500")
        }
        let service = world.aliveInstances.first { $0.port == upstream.port }!.service
        let version = await store.releases(service: ServiceKey(service: service)).first { $0.id == upstream.releaseID }?.version ?? "?"
        if world.state.withLock({ $0.unhealthyVersions.contains(version) }) {
            return ProbeResult(healthy: false, status: 503, body: "{\"status\":\"failing\"}", reason: "expected status 200, got 503")
        }
        return ProbeResult(healthy: true, status: 200)
    }
}

/// Builds a release whose version is the ref; refs in `failingBuilds` fail; an optional gate holds
/// exports; `buildGate` holds builds (after their stage began).
struct FakeBuilder: ReleaseBuilder {
    let world: World
    let gate: BuildGate?
    var buildGate: BuildGate? = nil
    let ledger = Ledger()

    func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        if let gate { await gate.wait() }
        log("exporting \(ref)")
        if ref == "missing" { throw SlipwayError(.refNotFound, "ref \"missing\" does not resolve to a commit") }
        let commit = ref  // the fake change source treats refs as commits
        let release = Release(id: "r-\(ref)-\(UUID().uuidString.prefix(6))", service: service.name, ref: ref, commit: commit,
                              version: ref, directory: "/releases/\(ref)", createdAt: Date(), buildSeconds: 0)
        return StagedRelease(release: release, directory: "/releases/.tmp-\(ref)")
    }

    func build(_ exported: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let ref = exported.release.ref
        ledger.append("build \(ref)")
        log("building \(ref)")
        if let buildGate { await buildGate.wait() }
        try Task.checkCancellation()
        if world.state.withLock({ $0.failingBuilds.contains(ref) }) {
            throw SlipwayError(.buildFailed, "build of \(service.name) at \(ref) failed: exit status 1")
        }
        var built = exported
        built.release.buildSeconds = 0.01
        return built
    }

    func publish(_ staged: StagedRelease) async throws -> Release {
        ledger.append("publish \(staged.release.ref)")
        return staged.release
    }

    func discard(_ exported: StagedRelease) async { ledger.append("discard \(exported.release.ref)") }

    func remove(_ release: Release) async throws { ledger.append("remove \(release.ref)") }
}

/// Holds whoever waits until `release`; a cancelled waiter is let go (as a real build's processes would be killed).
actor BuildGate {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var open = false
    private(set) var arrived = 0

    func wait() async {
        arrived += 1
        if open { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { waiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.letGo(id) }
        }
    }

    private func letGo(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    func release() {
        open = true
        for waiter in waiters.values { waiter.resume() }
        waiters.removeAll()
    }
}

struct Harness {
    let world = World()
    let store = InMemoryStore()
    let router = FakeRouter()
    let controller: DeploymentController
    let config: ProjectConfig

    init(retain: Int = 5, watch: Duration = .seconds(60), gate: BuildGate? = nil, buildGate: BuildGate? = nil,
         services: [String] = ["web"],
         runner: (any StageCommandRunner)? = nil, migrator: (any DatabaseMigrating)? = nil,
         notifier: any Notifier = SilentNotifier(), redactor: Redactor = Redactor(),
         configure: (inout ServiceConfig) -> Void = { _ in }) {
        let health = HealthCheckConfig(path: "/health", interval: .milliseconds(10), timeout: .milliseconds(50),
                                       healthyThreshold: 2, unhealthyThreshold: 2, startTimeout: .milliseconds(300))
        config = ProjectConfig(file: "/repo/slipway.yml", proxy: ProxyConfig(),
                               services: services.map {
                                   var service = ServiceConfig(name: $0, run: "true", health: health, drainTimeout: .seconds(1),
                                                               stopTimeout: .seconds(1), watch: watch, retain: retain)
                                   configure(&service)
                                   return service
                               })
        controller = DeploymentController(
            config: config,
            dependencies: .init(store: store, runtime: FakeRuntime(world: world), router: router,
                                probe: FakeProbe(world: world, store: store), builder: FakeBuilder(world: world, gate: gate, buildGate: buildGate),
                                logger: Logger(label: "test"), runner: runner, migrator: migrator, notifier: notifier,
                                redactor: redactor),
            tick: .milliseconds(5))
    }

    /// A new controller over the same store and world, standing for the daemon after a restart.
    func restartedController(router: FakeRouter = FakeRouter()) -> DeploymentController {
        DeploymentController(
            config: config,
            dependencies: .init(store: store, runtime: FakeRuntime(world: world), router: router,
                                probe: FakeProbe(world: world, store: store), builder: FakeBuilder(world: world, gate: nil),
                                logger: Logger(label: "test")),
            tick: .milliseconds(5))
    }

    func deploy(_ ref: String, service: String = "web", actor: String = "alice") async throws -> Deployment {
        try await controller.deploy(DeployRequest(service: service, ref: ref, actor: actor))
    }

    func activeVersion(_ service: String = "web") async -> String? {
        guard let upstream = await router.upstream(of: ServiceKey(service: service)) else { return nil }
        return await store.releases(service: ServiceKey(service: service)).first { $0.id == upstream.releaseID }?.version
    }
}

/// Waits for a condition the system under test will reach by itself, up to a generous deadline.
func eventually(_ what: String, timeout: Duration = .seconds(5), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}

/// Commands succeed unless listed: `failing` exit 1, `hanging` time out.
struct FakeRunner: StageCommandRunner {
    let failing: Set<String>
    let hanging: Set<String>
    let ran = Ledger()

    init(failing: Set<String> = [], hanging: Set<String> = []) {
        self.failing = failing
        self.hanging = hanging
    }

    func run(_ command: String, in directory: String, environment: [String: String], timeout: Duration,
             log: @escaping @Sendable (String) -> Void) async throws -> StageCommandOutcome {
        ran.append("\(command) in \(directory) url=\(environment["SLIPWAY_URL"] ?? "-")")
        log("output of \(command)")
        if hanging.contains(command) { return StageCommandOutcome(status: nil, timedOut: true) }
        return StageCommandOutcome(status: failing.contains(command) ? 1 : 0, timedOut: false)
    }
}

final class Ledger: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

final class FakeMigrator: DatabaseMigrating {
    private let failing: Mutex<Bool>
    let calls = Ledger()
    private let backupGate = Mutex<BuildGate?>(nil)

    /// The next backups wait until `releaseBackup`.
    func holdBackup() { backupGate.withLock { $0 = BuildGate() } }
    func releaseBackup() {
        let gate = backupGate.withLock { $0 }
        Task { await gate?.release() }
    }

    init(fails: Bool) {
        failing = Mutex(fails)
    }

    func setFailing(_ fails: Bool) { failing.withLock { $0 = fails } }
    var fails: Bool { failing.withLock { $0 } }

    func backUpAndMigrate(database: String, releaseDirectory: String, deployment: String,
                          log: @escaping @Sendable (String) -> Void,
                          backedUp: @escaping @Sendable (String) async -> Bool) async throws -> [String] {
        calls.append("backup \(database) from \(releaseDirectory)")
        log("backing up \(database)")
        if let gate = backupGate.withLock({ $0 }) { await gate.wait() }
        guard await backedUp("b-1") else { return [] }
        calls.append("migrate \(database) from \(releaseDirectory)")
        log("applying V2__add_employee_timezone.sql")
        if fails {
            throw SlipwayError(.internalError, "V2__broken.sql: syntax error")
        }
        return ["V2__add_employee_timezone.sql"]
    }
}

final class RecordingNotifier: Notifier {
    let sent = Mutex<[DeploymentNotification]>([])

    func notify(_ notification: DeploymentNotification) async -> [NotificationDelivery] {
        sent.withLock { $0.append(notification) }
        return [NotificationDelivery(channel: "webhook", event: notification.event, delivered: true, attempts: 1, at: Date())]
    }

    var events: [DeploymentNotification.Event] { sent.withLock { $0.map(\.event) } }
}
