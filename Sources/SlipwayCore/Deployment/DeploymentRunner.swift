import Foundation
import SlipwayModel

/// Opens deployments and runs each one's machine to its end: a deploy, a rollback, an automatic
/// rollback. The service's lock is taken before anything else, so two deployments of a service
/// never interleave and a second one is refused at once, naming the first.
struct DeploymentRunner: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable
    let gates: EnvironmentGates
    let pending: PendingDeployments
    /// The rollouts running now, where people's commands reach them.
    let rollouts: RolloutDesk

    /// Builds `request.ref` and moves the service's traffic to it. Throws only when refused before
    /// it began (unknown service, busy, its environment's gates); every other failure is in the
    /// returned record. `admitted`: a run has passed the gates for all its deployments already.
    func deploy(_ request: DeployRequest, admitted: Bool = false,
                emit: @escaping @Sendable (DeploymentEvent) -> Void) async throws -> Deployment {
        let service = try table.config(request.service, environment: request.environment)
        let hotfix = request.hotfix ?? false
        if !admitted { try await gates.admitDeploy(into: service.environment, ref: request.ref, hotfix: hotfix, reason: request.reason) }
        if let from = gates.config(service.environment)?.promoteFrom {
            return try await deployByPromotion(request, service: service, from: from, emit: emit)
        }
        if ApprovalRules.mustWait(in: gates.config(service.environment), hotfix: hotfix) {
            let record = try await pending.request(request, service: service, hotfix: hotfix)
            emit(DeploymentEvent(event: .accepted, deploymentID: record.id, deployment: record))
            return record
        }
        let id = Identifiers.deploymentID(at: deps.now())
        try await table.acquire(service.key, ServiceLock(deploymentID: id, actor: request.actor, what: "deployment"))
        let previous = await table.active(service.key)
        var record = Deployment(id: id, kind: .deploy, service: service.name, ref: request.ref, fromRelease: previous?.releaseID,
                                actor: request.actor, startedAt: deps.now())
        record.trigger = request.trigger
        record.key = service.key
        if hotfix { record.hotfix = request.reason }
        let recorder = deps.recorder(record, emit: emit)
        try await open(recorder, service.key)
        if hotfix {
            await deps.audit(.deployHotfix, service: service.key, deployment: id, actor: request.actor,
                             "hotfix of \(service.key) at \(request.ref): \(request.reason ?? "")")
        }
        await deps.audit(.deployStarted, service: service.key, deployment: id, actor: request.actor,
                         "deploy \(service.key) at \(request.ref)")
        let plan = DeploymentMachine.Plan(id: id, kind: .deploy(ref: request.ref), service: service, previous: previous)
        let finished = await drive(plan, recorder: recorder)
        await table.release(service.key)
        return finished
    }

    /// Moves a service back to a retained release (by default the one the active release replaced)
    /// through the same health-gated switch as a deploy, without rebuilding.
    func rollback(_ request: RollbackRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void) async throws -> Deployment {
        let service = try table.config(request.service, environment: request.environment)
        let target = try await rollbackTarget(service.key, to: request.to)
        let override = request.override ?? false
        let overridden = try await gates.admitRollback(service.key, active: await table.active(service.key), override: override,
                                                       reason: request.reason)
        let id = Identifiers.deploymentID(at: deps.now())
        try await table.acquire(service.key, ServiceLock(deploymentID: id, actor: request.actor, what: "rollback"))
        let active = await table.active(service.key)
        var record = Deployment(id: id, kind: .rollback, service: service.name, ref: request.to, fromRelease: active?.releaseID,
                                toRelease: target.id, version: target.version, commit: target.commit, actor: request.actor,
                                startedAt: deps.now())
        record.key = service.key
        if overridden != nil { record.override = request.reason }
        let recorder = deps.recorder(record, emit: emit)
        recorder.update { $0.image = target.image }
        try await open(recorder, service.key)
        if let overridden {
            await deps.audit(.rollbackOverride, service: service.key, deployment: id, actor: request.actor, overridden)
        }
        await deps.audit(.rollbackStarted, service: service.key, deployment: id, actor: request.actor,
                         "roll back \(service.key) to \(target.version) (release \(target.id))")
        let finished = await drive(DeploymentMachine.Plan(id: id, kind: .rollback(to: target), service: service, previous: active),
                                   recorder: recorder)
        await table.release(service.key)
        return finished
    }

    /// Starts a deployment that waited (approvals, a wait timer, a freeze) and is due now; the
    /// service's lock is already taken for it (`PendingDeployments.claimDue`).
    func startApproved(_ waited: Deployment) async {
        let key = waited.key
        guard let service = table.config(key), let ref = waited.ref else {
            await table.release(key)
            return
        }
        let previous = await table.active(key)
        var record = waited
        record.outcome = .running
        record.startedAt = deps.now()
        record.fromRelease = previous?.releaseID
        record.message = nil
        let recorder = deps.recorder(record, emit: { _ in })
        if let sourceID = waited.promotedFrom {
            // A promotion that waited: the release it carries, as it was when it was asked for.
            guard let succeeded = try? await deps.store.deployment(id: sourceID), let releaseID = succeeded.toRelease,
                  let release = try? await deps.store.releases(service: succeeded.key).first(where: { $0.id == releaseID }) else {
                recorder.update {
                    $0.outcome = .failed
                    $0.exitCode = .deployFailed
                    $0.finishedAt = deps.now()
                    $0.message = "the release it was to promote (deployment \(sourceID)) is no longer retained"
                }
                await recorder.persist()
                await table.release(key)
                return
            }
            _ = try? await runPromotion(recorder, release: release, from: succeeded, service: service, previous: previous)
            return
        }
        do {
            try await open(recorder, key)
        } catch {
            deps.logger.error("a deployment that waited could not be started", metadata: ["deployment": "\(waited.id)", "error": "\(error)"])
            return
        }
        let approvedBy = waited.approvalsGiven.map(\.actor)
        await deps.audit(.deployStarted, service: key, deployment: waited.id, actor: waited.actor,
                         "deploy \(key) at \(ref)" + (approvedBy.isEmpty ? "" : " (approved by \(approvedBy.joined(separator: ", ")))"))
        let plan = DeploymentMachine.Plan(id: waited.id, kind: .deploy(ref: ref), service: service, previous: previous)
        _ = await drive(plan, recorder: recorder)
        await table.release(key)
    }

    /// Records the deployment, then announces it; a store that cannot take the record refuses the
    /// deployment (and frees the service) before anything changed.
    func open(_ recorder: DeploymentRecorder, _ service: ServiceKey) async throws {
        do {
            try await recorder.open()
        } catch {
            await table.release(service)
            throw SlipwayError(.storeFailed, "the deployment could not be recorded, so it was not started: \(describe(error))",
                               context: ErrorContext(service: service.service))
        }
        recorder.emitAccepted()
    }

    /// The release `rollback` goes to: the named one (id or version), else the one the active release replaced.
    private func rollbackTarget(_ service: ServiceKey, to wanted: String?) async throws -> Release {
        let releases = try await deps.store.releases(service: service)
        let active = await table.active(service)
        let context = ErrorContext(service: service.service)
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
    func automaticRollback(_ service: ServiceKey, reason: String) async {
        guard let entry = await table.entry(service), let active = entry.life.active else { return }
        guard let previousID = active.previousReleaseID,
              let target = try? await deps.store.releases(service: service).first(where: { $0.id == previousID }) else {
            await deps.audit(.rollbackImpossible, service: service,
                             "release \(active.releaseID) is unhealthy (\(reason)) and there is no previous release to roll back to")
            return
        }
        let id = Identifiers.deploymentID(at: deps.now())
        guard (try? await table.acquire(service, ServiceLock(deploymentID: id, actor: "slipway", what: "automatic rollback"))) != nil
        else { return }
        var record = Deployment(id: id, kind: .automaticRollback, service: service.service, fromRelease: active.releaseID,
                                toRelease: target.id, version: target.version, commit: target.commit, actor: "slipway",
                                startedAt: deps.now(), message: reason)
        record.key = service
        let recorder = deps.recorder(record, emit: { _ in })
        recorder.log("release \(active.releaseID) failed its health watch: \(reason)")
        await recorder.persist()
        await deps.audit(.rollbackAutomatic, service: service, deployment: id,
                         "release \(active.releaseID) unhealthy within its watch: \(reason); rolling back to \(target.id)")
        let kind = DeploymentMachine.Kind.automaticRollback(to: target, reason: reason, switchedBy: entry.life.switchedBy)
        _ = await drive(DeploymentMachine.Plan(id: id, kind: kind, service: entry.config, previous: active), recorder: recorder)
        await table.release(service)
    }

    func markRolledBack(_ deploymentID: String, by rollbackID: String, reason: String) async {
        do {
            guard var record = try await deps.store.deployment(id: deploymentID) else { return }
            record.outcome = .rolledBack
            record.exitCode = .smokeFailedRolledBack
            record.message = deps.redactor.redact("rolled back automatically by \(rollbackID): \(reason)")
            try await deps.store.saveDeployment(record)
        } catch {
            deps.logger.error("could not mark deployment rolled back", metadata: ["deployment": "\(deploymentID)", "error": "\(error)"])
        }
    }

    func conclude(_ recorder: DeploymentRecorder, _ outcome: Deployment.Outcome, _ exit: ExitStatus, _ message: String,
                  action: AuditAction) async -> Deployment {
        let record = await recorder.finish(outcome, exit: exit, message: message)
        await deps.audit(action, service: record.key, deployment: record.id, actor: record.actor, message)
        return record
    }
}
