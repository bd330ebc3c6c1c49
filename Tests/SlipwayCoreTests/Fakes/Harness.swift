import Foundation
import Logging
import SlipwayCore
import SlipwayModel
import SlipwayTestSupport

/// A controller over fakes and a `ManualClock`. Time passes only as the code under test asks:
/// `flowing` moves the clock to each sleep's deadline as soon as something sleeps, so a health
/// gate's probes, a start timeout or a backoff take no wall-clock time; `supervise(after:)` moves
/// it by a span and runs one turn of the supervision loop.
struct Harness {
    static let web = ServiceKey(service: "web")

    let world = World()
    let store = InMemoryStore()
    let router = FakeRouter()
    let clock = ManualClock()
    let controller: DeploymentController
    let config: ProjectConfig

    init(retain: Int = 5, watch: Duration = .seconds(60), gate: BuildGate? = nil, buildGate: BuildGate? = nil,
         services: [String] = ["web"], changes: [String: [String]]? = nil,
         runner: (any StageCommandRunner)? = nil, migrator: (any DatabaseMigrating)? = nil,
         notifier: any Notifier = SilentNotifier(), redactor: Redactor = Redactor(),
         environments: [EnvironmentConfig]? = nil, tags: Set<String> = [],
         configure: (inout ServiceConfig) -> Void = { _ in }) {
        let health = HealthCheckConfig(path: "/health", interval: .milliseconds(10), timeout: .milliseconds(50),
                                       healthyThreshold: 2, unhealthyThreshold: 2, startTimeout: .milliseconds(300))
        let names = environments?.map(\.name) ?? [ServiceKey.defaultEnvironment]
        config = ProjectConfig(file: "/repo/slipway.yml", proxy: ProxyConfig(),
                               services: names.flatMap { environment in
                                   services.map {
                                       var service = ServiceConfig(name: $0, run: "true", health: health, drainTimeout: .seconds(1),
                                                                   stopTimeout: .seconds(1), watch: watch, retain: retain)
                                       service.environment = environment
                                       configure(&service)
                                       return service
                                   }
                               }, environments: environments)
        let clock = clock
        controller = DeploymentController(
            config: config,
            dependencies: .init(store: store, runtime: FakeRuntime(world: world), router: router,
                                probe: FakeProbe(world: world, store: store),
                                builder: FakeBuilder(world: world, gate: gate, buildGate: buildGate),
                                clock: clock, now: { clock.date }, logger: Logger(label: "test"), runner: runner,
                                migrator: migrator, notifier: notifier, redactor: redactor,
                                changes: changes.map { FakeChangeSource(changes: $0, tags: tags) }))
        let controller = controller
        world.exitHandler.withLock { $0 = { await controller.handle($0) } }
    }

    /// A new controller over the same store, world and clock, standing for the daemon after a
    /// restart; the world's exits go to it from now on.
    func restartedController(router: FakeRouter = FakeRouter(), store: InMemoryStore? = nil) -> DeploymentController {
        let clock = clock
        let store = store ?? self.store
        let restarted = DeploymentController(
            config: config,
            dependencies: .init(store: store, runtime: FakeRuntime(world: world), router: router,
                                probe: FakeProbe(world: world, store: store), builder: FakeBuilder(world: world, gate: nil),
                                clock: clock, now: { clock.date }, logger: Logger(label: "test")))
        world.exitHandler.withLock { $0 = { await restarted.handle($0) } }
        return restarted
    }

    /// Runs `body` while the clock moves to each pending sleep's deadline as soon as one is pending.
    func flowing<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let clock = clock
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while !Task.isCancelled {
                    await clock.waitForSleepers(atLeast: 1)
                    if let deadline = clock.nextDeadline { clock.advance(to: deadline) }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    func deploy(_ ref: String, service: String = "web", actor: String = "alice") async throws -> Deployment {
        let controller = controller
        return try await flowing { try await controller.deploy(DeployRequest(service: service, ref: ref, actor: actor)) }
    }

    func rollback(to release: String? = nil, actor: String = "alice") async throws -> Deployment {
        let controller = controller
        return try await flowing { try await controller.rollback(RollbackRequest(service: "web", to: release, actor: actor)) }
    }

    func run(_ request: RunRequest) async throws -> RunSummary {
        let controller = controller
        return try await flowing { try await controller.run(request) }
    }

    /// Moves the clock on by `span`, then one turn of `controller`'s supervision loop, with time
    /// flowing while its jobs (a restart's health gate, an automatic rollback) run.
    func supervise(after span: Duration, _ controller: DeploymentController? = nil) async throws {
        let controller = controller ?? self.controller
        clock.advance(by: span)
        try await flowing { await controller.superviseOnce() }
    }

    func activeVersion(_ service: String = "web") async -> String? {
        guard let upstream = await router.upstream(of: ServiceKey(service: service)) else { return nil }
        return await store.releases(service: ServiceKey(service: service)).first { $0.id == upstream.releaseID }?.version
    }

    func audited(_ action: AuditAction) async -> Bool {
        await store.audit(service: Self.web, limit: 100).contains { $0.action == action }
    }
}

/// Commits are refs themselves here; the files changed between two are set by the test.
struct FakeChangeSource: ChangeSource {
    let changes: [String: [String]]
    var tags: Set<String> = []

    func resolve(_ ref: String) async throws -> String { ref }
    func isTag(_ name: String) async throws -> Bool { tags.contains(name) }
    func tags(at commit: String) async throws -> [String] { tags.filter { $0 == commit }.sorted() }
    /// "from..to" as the only subject: enough for a test to see which range was asked for.
    func commitSubjects(from: String?, to: String, paths: [String], limit: Int) async throws -> [String] {
        ["\(from ?? "root")..\(to)" + (paths.isEmpty ? "" : " \(paths.joined(separator: ","))")]
    }
    func changedFiles(from: String, to: String) async throws -> [String] { changes["\(from)..\(to)"] ?? [] }
}

/// The error a request was refused with, as a `SlipwayError`; nil when it was not refused.
func refusal<T>(_ body: () async throws -> T) async -> SlipwayError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? SlipwayError
    }
}
