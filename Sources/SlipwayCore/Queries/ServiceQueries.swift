import Foundation
import SlipwayModel

/// Read-only answers for `status`, `history`, `show`, `logs` and `audit`.
struct ServiceQueries: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable
    let proxy: String
    /// Each environment's proxy, when the file declares environments.
    let environments: [EnvironmentStatus]?
    let rollouts: RolloutCommands

    func status() async throws -> StatusResponse {
        var statuses: [ServiceStatus] = []
        // The proxies' route tables, read once for every service.
        let readings = await deps.router.readings(of: table.services.map(\.key))
        for service in table.services {
            guard let entry = await table.entry(service.key) else { continue }
            let releases = try await deps.store.releases(service: service.key)
            let served = entry.life.active
            let active = served.flatMap { active in releases.first { $0.id == active.releaseID } }
            // Every instance the service routes to: two releases during a rollout.
            let upstreams = readings[service.key]?.backends?.upstreams ?? []
            let route = (service.route.host ?? "*") + service.route.path
            let control = readings[service.key]?.control ?? TrafficControl()
            statuses.append(ServiceStatus(
                name: service.name, environment: service.key.storedEnvironment, route: route, activeRelease: active, health: entry.life.healthStatus,
                upstreams: upstreams.map(\.description),
                // A static site has no process: no pid to show.
                pid: served?.instance.flatMap { $0.site == nil ? $0.pid : nil }, restarts: entry.life.restarts,
                deploying: entry.lock?.deploymentID, retainedReleases: releases.map(\.id),
                warmRelease: served?.warm?.releaseID, warmPid: served?.warm.flatMap { $0.site == nil ? $0.pid : nil }, warmUntil: served?.warmUntil,
                traffic: control.isNone ? nil : control))
            statuses[statuses.count - 1].rollout = await rollouts.view(of: service.key)
            if let served, served.instances.count > 1 {
                let pool = Set(entry.life.routed)
                statuses[statuses.count - 1].replicas = zip(served.instances, entry.life.replicaHealth).enumerated().map { slot, pair in
                    ReplicaStatus(slot: slot + 1, pid: pair.0.pid, port: pair.0.port, health: pair.1, inPool: pool.contains(pair.0.upstream),
                                  containerID: pair.0.containerID.map { String($0.prefix(12)) })
                }
            }
        }
        let freezes = try await deps.store.freezes()
        var status = StatusResponse(proxy: proxy, environments: environments, services: statuses, freezes: freezes.isEmpty ? nil : freezes)
        let pending = try await deps.store.pendingDeployments()
        status.pending = pending.isEmpty ? nil : pending
        return status
    }

    func history(service: String?, environment: String? = nil, limit: Int) async throws -> [Deployment] {
        if let service {
            return try await deps.store.deployments(service: try table.config(service, environment: environment).key, limit: limit)
        }
        guard let environment else { return try await deps.store.deployments(service: nil, limit: limit) }
        // Every service of one environment: each service's newest, merged newest first.
        let name = try table.environment(environment)
        var all: [Deployment] = []
        for config in table.services(in: name) {
            all += try await deps.store.deployments(service: config.key, limit: limit)
        }
        return Array(all.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }.prefix(limit))
    }

    func deployment(id: String) async throws -> Deployment {
        guard let record = try await deps.store.deployment(id: id) else {
            throw SlipwayError(.unknownDeployment, "no deployment \(id)", context: ErrorContext(deployment: id))
        }
        return record
    }

    func logs(deployment id: String) async throws -> String {
        _ = try await deployment(id: id)
        return try await deps.store.log(deployment: id)
    }

    /// The last lines the service's active release printed (its log file, or its container's
    /// logs), redacted: a service that prints a secret it was given must not show it to `logs`.
    func output(service name: String, environment: String? = nil, lines: Int) async throws -> String {
        let service = try table.config(name, environment: environment)
        guard let instance = await table.active(service.key)?.instance else {
            throw SlipwayError(.nothingToRollBack, "\(name) has no active release", context: ErrorContext(service: name))
        }
        return deps.redactor.redact(await deps.runtime.logTail(instance, lines: lines))
    }

    func auditTrail(service: String?, environment: String? = nil, limit: Int) async throws -> [AuditEntry] {
        guard let service else { return try await deps.store.audit(service: nil, limit: limit) }
        // An unknown name is not refused: the trail keeps lines of services since removed from slipway.yml.
        let key = ServiceKey(environment: try table.environment(environment), service: service)
        return try await deps.store.audit(service: key, limit: limit)
    }
}
