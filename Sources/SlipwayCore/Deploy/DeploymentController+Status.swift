import Foundation
import SlipwayModel

extension DeploymentController {
    public func status() async throws -> StatusResponse {
        var statuses: [ServiceStatus] = []
        for service in config.services {
            guard let state = services[service.name] else { continue }
            let releases = try await deps.store.releases(service: service.name)
            let active = state.active.flatMap { active in releases.first { $0.id == active.releaseID } }
            let upstream = await deps.router.upstream(of: service.name)
            let route = (service.route.host ?? "*") + service.route.path
            statuses.append(ServiceStatus(
                name: service.name, route: route, activeRelease: active,
                health: state.active == nil ? .down : state.health.status,
                upstreams: upstream.map { ["\($0)"] } ?? [],
                pid: state.active?.instance?.pid, restarts: state.restarts,
                deploying: state.lock?.deploymentID, retainedReleases: releases.map(\.id),
                warmRelease: state.active?.warm?.releaseID, warmPid: state.active?.warm?.pid, warmUntil: state.active?.warmUntil))
        }
        return StatusResponse(proxy: config.proxy.listen.description, services: statuses)
    }

    public func history(service: String?, limit: Int) async throws -> [Deployment] {
        if let service { _ = try serviceConfig(service) }
        return try await deps.store.deployments(service: service, limit: limit)
    }

    public func deployment(id: String) async throws -> Deployment {
        guard let record = try await deps.store.deployment(id: id) else {
            throw SlipwayError(.unknownDeployment, "no deployment \(id)", context: ErrorContext(deployment: id))
        }
        return record
    }

    public func logs(deployment id: String) async throws -> String {
        _ = try await deployment(id: id)
        return try await deps.store.log(deployment: id)
    }

    /// The last lines the service's active release printed (its log file, or its container's logs).
    public func output(service name: String, lines: Int) async throws -> String {
        _ = try serviceConfig(name)
        guard let instance = services[name]?.active?.instance else {
            throw SlipwayError(.nothingToRollBack, "\(name) has no active release", context: ErrorContext(service: name))
        }
        return await deps.runtime.logTail(instance, lines: lines)
    }

    public func auditTrail(service: String?, limit: Int) async throws -> [AuditEntry] {
        try await deps.store.audit(service: service, limit: limit)
    }
}
