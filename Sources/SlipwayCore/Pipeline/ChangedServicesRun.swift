import Foundation
import SlipwayModel

/// `deploy --changed`: the services a commit range touched (or the named ones), in dependency
/// waves, a wave's deployments in parallel; a service whose dependency failed is skipped.
struct ChangedServicesRun: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable
    let runner: DeploymentRunner

    /// The services a commit range touched (or the named ones), in dependency waves, with their stages.
    func plan(_ request: RunRequest) async throws -> RunPlan {
        guard let changes = deps.changes else {
            throw SlipwayError(.badRequest, "this daemon cannot diff commits: no change source is configured")
        }
        let environment = try table.environment(request.environment)
        let services = table.services(in: environment)
        let to = try await changes.resolve(request.to)
        var selected: [String: (from: String?, because: [String])] = [:]
        if let names = request.services {
            for name in names { _ = try table.config(name, environment: environment); selected[name] = (nil, []) }
        } else {
            var explicitFrom: String?
            if let from = request.from { explicitFrom = try await changes.resolve(from) }
            var diffs: [String: [String]] = [:]
            for service in services {
                var from = explicitFrom
                if from == nil { from = try await lastDeployedCommit(service.key) }
                guard let from else {
                    selected[service.name] = (nil, ["never deployed"])
                    continue
                }
                if from == to { continue }
                if diffs[from] == nil { diffs[from] = try await changes.changedFiles(from: from, to: to) }
                let patterns = service.paths.map(PathPattern.init)
                let hits = diffs[from, default: []].filter { file in patterns.contains { $0.matches(file) } }
                if !hits.isEmpty { selected[service.name] = (from, Array(hits.prefix(20))) }
            }
        }
        let ordered = try DeploymentPlan.forServices(Array(selected.keys), services: services)
        return RunPlan(to: to, waves: try ordered.waves.map { wave in
            try wave.map { entry in
                let service = try table.config(entry.service, environment: environment)
                return RunPlan.Entry(service: entry.service, from: selected[entry.service]?.from,
                                     because: selected[entry.service]?.because ?? [], stages: Self.stages(of: service))
            }
        })
    }

    static func stages(of service: ServiceConfig) -> [Stage] {
        var stages: [Stage] = [.validate]
        if !service.checks.isEmpty { stages.append(.checks) }
        // In start order; build runs beside backup → migrate.
        stages.append(.build)
        if service.database != nil { stages += [.backup, .migrate] }
        stages += [.start, .health, .switch]
        if !service.smoke.isEmpty { stages.append(.smoke) }
        return stages + [.drain, .stop, .prune, .notify]
    }

    /// The commit of the service's last successful deployment or rollback.
    func lastDeployedCommit(_ service: ServiceKey) async throws -> String? {
        try await deps.store.deployments(service: service, limit: 200)
            .first { $0.outcome == .succeeded && $0.commit != nil }?.commit
    }

    /// Deploys a plan: waves in order, a wave's services in parallel; a service whose dependency
    /// failed is skipped. The run's exit code is the worst of its services'.
    func run(_ request: RunRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> RunSummary {
        let environment = try table.environment(request.environment)
        // The environment's gates judge the run as a whole, by the ref it names: its deployments
        // name the commit that ref resolved to.
        try await runner.gates.admitDeploy(into: environment, ref: request.to)
        let plan = try await self.plan(request)
        emit(DeploymentEvent(event: .plan, plan: plan))
        var results: [String: RunSummary.Result] = [:]
        for wave in plan.waves {
            let outcomes = await withTaskGroup(of: RunSummary.Result.self) { group in
                for entry in wave {
                    let failedDependency = (try? table.config(entry.service, environment: environment))?.dependsOn.first { dependency in
                        results[dependency].map { $0.exitCode != .success } ?? false
                    }
                    group.addTask {
                        if let failedDependency {
                            return RunSummary.Result(service: entry.service, deploymentID: nil, outcome: .skipped, exitCode: .success,
                                                     message: "skipped: \(failedDependency), which it depends on, failed")
                        }
                        return await deployForRun(entry.service, in: environment, commit: plan.to, actor: request.actor,
                                                       trigger: request.trigger ?? .changed, emit: emit)
                    }
                }
                var collected: [RunSummary.Result] = []
                for await result in group { collected.append(result) }
                return collected
            }
            for result in outcomes { results[result.service] = result }
        }
        let ordered = plan.waves.flatMap { $0 }.compactMap { results[$0.service] }
        let worst = ordered.map(\.exitCode).max() ?? .success
        return RunSummary(plan: plan, results: ordered, exitCode: worst)
    }

    private func deployForRun(_ service: String, in environment: String, commit: String, actor: String, trigger: Trigger,
                              emit: @escaping @Sendable (DeploymentEvent) -> Void) async -> RunSummary.Result {
        do {
            let record = try await runner.deploy(DeployRequest(service: service, environment: environment, ref: commit, actor: actor,
                                                                trigger: trigger), admitted: true) { event in
                var event = event
                event.service = service
                emit(event)
            }
            return RunSummary.Result(service: service, deploymentID: record.id, outcome: .init(record.outcome),
                                     exitCode: record.exitCode ?? (record.outcome == .pending ? .success : .deployFailed),
                                     message: record.message ?? "")
        } catch {
            let status = (error as? SlipwayError).map { ExitStatus.forError($0.code) } ?? .deployFailed
            return RunSummary.Result(service: service, deploymentID: nil, outcome: .refused, exitCode: status,
                                     message: describe(error))
        }
    }
}
