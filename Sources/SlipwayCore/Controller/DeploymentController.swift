import Foundation
import SlipwayModel

/// The controller: what the daemon and its API talk to. It is several parts with one job each,
/// sharing one table of services (`ServiceTable`, the one owner of every service's view):
///
/// - `DeploymentRunner` opens a deploy, rollback or automatic rollback and drives its
///   `DeploymentMachine` to the end;
/// - `ChangedServicesRun` plans and runs `deploy --changed`;
/// - `Supervisor` keeps what runs running between deployments (`ServiceLife`'s rules);
/// - `Recovery` brings back what a restart finds, and stops what runs at a graceful shutdown;
/// - `TrafficControls` pauses a service's traffic or puts it in maintenance, in its proxy;
/// - `RolloutCommands` takes people's commands to a running canary or blue-green rollout;
/// - `ServiceQueries` answers `status`, `history`, `show`, `logs` and `audit`.
package final class DeploymentController: Sendable {
    package typealias Dependencies = ControllerDependencies

    let runner: DeploymentRunner
    let changed: ChangedServicesRun
    let supervisor: Supervisor
    let recovery: Recovery
    let queries: ServiceQueries
    let gates: EnvironmentGates
    let pending: PendingDeployments
    let traffic: TrafficControls
    let rollouts: RolloutCommands

    /// `tick`: how often the supervision loop looks for due probes, restarts and retirements.
    package init(config: ProjectConfig, dependencies: Dependencies, tick: Duration = .milliseconds(50)) {
        let table = ServiceTable(config: config, clock: dependencies.clock, now: dependencies.now)
        gates = EnvironmentGates(deps: dependencies, environments: config.environments)
        pending = PendingDeployments(deps: dependencies, table: table, gates: gates)
        runner = DeploymentRunner(deps: dependencies, table: table, gates: gates, pending: pending, rollouts: RolloutDesk())
        changed = ChangedServicesRun(deps: dependencies, table: table, runner: runner)
        supervisor = Supervisor(deps: dependencies, table: table, runner: runner, tick: tick)
        recovery = Recovery(deps: dependencies, table: table)
        traffic = TrafficControls(deps: dependencies, table: table)
        rollouts = RolloutCommands(deps: dependencies, table: table, desk: runner.rollouts)
        queries = ServiceQueries(deps: dependencies, table: table, proxy: config.environments[0].proxy.listen.description,
                                 environments: config.declaresEnvironments
                                     ? config.environments.map { EnvironmentStatus(name: $0.name, proxy: $0.proxy.listen.description) } : nil,
                                 rollouts: rollouts)
    }

    /// Builds `request.ref` and moves the service's traffic to it: start beside the old release,
    /// health-gate, switch, drain, stop the old one, prune. Throws only when refused before it began
    /// (unknown service, busy); every other failure is in the returned record's outcome and exit code.
    package func deploy(_ request: DeployRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        try await runner.deploy(request, emit: emit)
    }

    /// Moves a service back to a retained release through the same health-gated switch, without rebuilding.
    package func rollback(_ request: RollbackRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        try await runner.rollback(request, emit: emit)
    }

    /// The services a commit range touched (or the named ones), in dependency waves, with their stages.
    package func plan(_ request: RunRequest) async throws -> RunPlan { try await changed.plan(request) }

    /// Deploys a plan: waves in order, a wave's services in parallel. The run's exit code is the worst of its services'.
    package func run(_ request: RunRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> RunSummary {
        try await changed.run(request, emit: emit)
    }

    /// Supervises until cancelled.
    package func run() async { await supervisor.run() }

    /// What the supervision loop does with each exit the runtime reports (a crash, the warm release
    /// gone, a starting instance's end for its gate): for a test that reports exits itself.
    package func handle(_ exit: InstanceExit) async { await supervisor.handle(exit) }

    /// One turn of the supervision loop: every due probe, restart and retirement, awaited.
    package func superviseOnce() async { await supervisor.superviseOnce() }

    /// At daemon start: declare routes, close interrupted deployments, bring back active releases.
    package func recover() async throws {
        try await recovery.recover()
        try await pending.load()
    }

    /// At graceful daemon shutdown: stop every active and warm release.
    package func stopAll() async { await recovery.stopAll() }

    package func status() async throws -> StatusResponse { try await queries.status() }

    /// Deployments by environment, service and outcome (`/metrics`).
    package func deploymentTotals() async throws -> [DeploymentTotal] { try await queries.deps.store.deploymentTotals() }

    package func history(service: String?, environment: String? = nil, limit: Int) async throws -> [Deployment] {
        try await queries.history(service: service, environment: environment, limit: limit)
    }

    package func deployment(id: String) async throws -> Deployment { try await queries.deployment(id: id) }
    package func logs(deployment id: String) async throws -> String { try await queries.logs(deployment: id) }

    package func output(service name: String, environment: String? = nil, lines: Int) async throws -> String {
        try await queries.output(service: name, environment: environment, lines: lines)
    }

    /// `slipway promote`: the release that succeeded in one environment into another, as the same
    /// artifact (copied and checked by digest), without exporting or building it again.
    package func promote(_ request: PromoteRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        try await runner.promote(request, emit: emit)
    }

    /// `slipway approve ID`: one approval of a pending deployment; it starts (in the supervision
    /// loop) once it has enough and its wait timer has passed.
    package func approve(_ id: String, _ approval: ApprovalRequest) async throws -> Deployment {
        try await pending.approve(id, approval)
    }

    /// `slipway reject ID --reason`: ends a pending deployment, `rejected`.
    package func reject(_ id: String, _ rejection: ApprovalRequest) async throws -> Deployment {
        try await pending.reject(id, rejection)
    }

    /// `slipway freeze ENV --reason`: refuses every new deploy and promotion into ENV until `unfreeze`.
    package func freeze(_ request: FreezeRequest) async throws -> Freeze { try await gates.freeze(request) }
    package func unfreeze(environment: String, actor: String) async throws {
        try await gates.unfreeze(environment: environment, actor: actor)
    }
    package func freezes() async throws -> [Freeze] { try await gates.freezes() }

    package func auditTrail(service: String?, environment: String? = nil, limit: Int) async throws -> [AuditEntry] {
        try await queries.auditTrail(service: service, environment: environment, limit: limit)
    }

    /// `slipway proxy pause|resume|maintenance|live SERVICE`: changed in the service's proxy, audited.
    package func changeTraffic(_ change: TrafficControlChange, _ request: TrafficControlRequest) async throws -> TrafficControlResponse {
        try await traffic.change(change, request)
    }

    /// A graceful stop of the daemon: every running rollout is aborted (traffic back on the release
    /// that served, the new one stopped, the deployment recorded rolled back), so none waits for a
    /// person across the stop and none leaves its traffic split behind. Returns once each took it.
    package func abortRollouts(reason: String) async {
        for service in await runner.rollouts.services {
            let request = RolloutCommandRequest(service: service.service, environment: service.environment, reason: reason,
                                                actor: "slipway")
            _ = try? await rollouts.command(.abort, request)
        }
    }

    /// `slipway rollout SERVICE status`: where the running rollout of the service stands.
    package func rolloutStatus(service: String, environment: String? = nil) async throws -> RolloutView {
        try await rollouts.status(service: service, environment: environment)
    }

    /// `slipway rollout SERVICE pause|resume|promote|abort`: taken or refused by the rollout, audited.
    package func commandRollout(_ command: RolloutCommand, _ request: RolloutCommandRequest) async throws -> RolloutCommandResponse {
        try await rollouts.command(command, request)
    }
}
