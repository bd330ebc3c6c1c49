import Foundation
import SlipwayModel

extension DeploymentController {
    /// Moves a service back to a retained release (by default the one the active release replaced)
    /// through the same health-gated switch as a deploy, without rebuilding.
    public func rollback(_ request: RollbackRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        let service = try serviceConfig(request.service)
        let target = try await rollbackTarget(service.name, to: request.to)
        let id = Identifiers.deploymentID(at: deps.now())
        try acquire(service.name, ServiceLock(deploymentID: id, actor: request.actor, what: "rollback"))
        defer { release(service.name) }

        let active = services[service.name]?.active
        let recorder = DeploymentRecorder(
            Deployment(id: id, kind: .rollback, service: service.name, ref: request.to, fromRelease: active?.releaseID,
                       toRelease: target.id, version: target.version, commit: target.commit, actor: request.actor,
                       startedAt: deps.now()),
            store: deps.store, now: deps.now, emit: emit)
        recorder.update { $0.image = target.image }
        emit(DeploymentEvent(event: .accepted, deploymentID: id))
        await recorder.persist()
        await audit(.rollbackStarted, service: service.name, deployment: id, actor: request.actor,
                    "roll back \(service.name) to \(target.version) (release \(target.id))")

        return await drive(DeploymentMachine.Plan(id: id, kind: .rollback(to: target), service: service, previous: active),
                           recorder: recorder)
    }

    /// The release `rollback` goes to: the named one (id or version), else the one the active release replaced.
    func rollbackTarget(_ service: String, to wanted: String?) async throws -> Release {
        let releases = try await deps.store.releases(service: service)
        let active = services[service]?.active
        let context = ErrorContext(service: service)
        let target: Release
        if let wanted {
            guard let found = releases.first(where: { $0.id == wanted }) ?? releases.first(where: { $0.version == wanted }) else {
                let retained = releases.map { "\($0.id) (\($0.version))" }.joined(separator: ", ")
                throw SlipwayError(.unknownRelease, "\(service) has no retained release \"\(wanted)\"; retained: \(retained.isEmpty ? "none" : retained)",
                                   context: context)
            }
            target = found
        } else {
            guard let previousID = active?.previousReleaseID, let found = releases.first(where: { $0.id == previousID }) else {
                throw SlipwayError(.nothingToRollBack, "\(service) has no previous release to roll back to; name one with --to",
                                   context: context)
            }
            target = found
        }
        if target.id == active?.releaseID {
            throw SlipwayError(.nothingToRollBack, "\(service) already serves release \(target.id) (\(target.version))", context: context)
        }
        return target
    }

    /// A live release failed its health watch: go back to the release it replaced, recorded as an
    /// automatic rollback; the deployment that switched to it is marked rolled back (exit 4).
    func automaticRollback(_ service: String, reason: String) async {
        guard let state = services[service], let active = state.active else { return }
        guard let previousID = active.previousReleaseID,
              let target = try? await deps.store.releases(service: service).first(where: { $0.id == previousID }) else {
            await audit(.rollbackImpossible, service: service, "release \(active.releaseID) is unhealthy (\(reason)) and there is no previous release to roll back to")
            return
        }
        let id = Identifiers.deploymentID(at: deps.now())
        guard (try? acquire(service, ServiceLock(deploymentID: id, actor: "slipway", what: "automatic rollback"))) != nil else { return }
        defer { release(service) }

        let recorder = DeploymentRecorder(
            Deployment(id: id, kind: .automaticRollback, service: service, fromRelease: active.releaseID, toRelease: target.id,
                       version: target.version, commit: target.commit, actor: "slipway", startedAt: deps.now(),
                       message: reason),
            store: deps.store, now: deps.now, emit: { _ in })
        recorder.log("release \(active.releaseID) failed its health watch: \(reason)")
        await recorder.persist()
        await audit(.rollbackAutomatic, service: service, deployment: id,
                    "release \(active.releaseID) unhealthy within its watch: \(reason); rolling back to \(target.id)")

        let kind = DeploymentMachine.Kind.automaticRollback(to: target, reason: reason, switchedBy: state.switchedBy)
        _ = await drive(DeploymentMachine.Plan(id: id, kind: kind, service: state.config, previous: active), recorder: recorder)
    }

    func markRolledBack(_ deploymentID: String, by rollbackID: String, reason: String) async {
        do {
            guard var record = try await deps.store.deployment(id: deploymentID) else { return }
            record.outcome = .rolledBack
            record.exitCode = .smokeFailedRolledBack
            record.message = "rolled back automatically by \(rollbackID): \(reason)"
            try await deps.store.saveDeployment(record)
        } catch {
            logger.error("could not mark deployment rolled back", metadata: ["deployment": "\(deploymentID)", "error": "\(error)"])
        }
    }
}
