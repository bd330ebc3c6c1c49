import Foundation
import SlipwayModel

/// Promotion: the release that succeeded in one environment, deployed into another as the same
/// artifact (copied and checked by digest, the same image), never exported or built again.
extension DeploymentRunner {
    /// `slipway promote web --to production [--from staging] [--release ID|VERSION]`.
    func promote(_ request: PromoteRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void) async throws -> Deployment {
        let service = try table.config(request.service, environment: request.to)
        guard let from = request.from ?? gates.config(service.environment)?.promoteFrom else {
            throw SlipwayError(.badRequest, "\(service.environment) has no promote_from: name the environment to promote from with --from",
                               context: ErrorContext(service: service.name))
        }
        let source = ServiceKey(environment: try table.environment(from), service: service.name)
        guard source.environment != service.environment else {
            throw SlipwayError(.badRequest, "cannot promote \(service.name) from \(from) into itself", context: ErrorContext(service: service.name))
        }
        let (release, succeeded) = try await succeededRelease(in: source, wanted: request.release)
        let hotfix = request.hotfix ?? false
        try await gates.admitPromotion(into: service.environment, release: release, hotfix: hotfix, reason: request.reason)
        return try await promote(release, from: succeeded, into: service, actor: request.actor, trigger: nil, hotfix: hotfix,
                                 reason: request.reason, emit: emit)
    }

    /// A deploy of `ref` into an environment with `promote_from`: only the release that succeeded
    /// there for that commit, promoted.
    func deployByPromotion(_ request: DeployRequest, service: ServiceConfig, from: String,
                           emit: @escaping @Sendable (DeploymentEvent) -> Void) async throws -> Deployment {
        guard let changes = deps.changes else {
            throw SlipwayError(.badRequest, "this daemon cannot resolve refs: no change source is configured")
        }
        let commit = try await changes.resolve(request.ref)
        let source = ServiceKey(environment: from, service: service.name)
        let deployments = try await deps.store.deployments(service: source, limit: 500)
        let releases = try await deps.store.releases(service: source)
        guard let succeeded = deployments.first(where: { $0.outcome == .succeeded && $0.commit == commit && $0.toRelease != nil }),
              let release = releases.first(where: { $0.id == succeeded.toRelease }) else {
            throw SlipwayError(.policyRefused, "\(service.environment) takes only what succeeded in \(from) (promote_from): "
                               + "\(request.ref) (commit \(commit.prefix(12))) never succeeded there, or its release is no "
                               + "longer retained; deploy it to \(from) first", context: ErrorContext(service: service.name))
        }
        return try await promote(release, from: succeeded, into: service, actor: request.actor, trigger: request.trigger,
                                 hotfix: request.hotfix ?? false, reason: request.reason, emit: emit)
    }

    /// The release of `source` that succeeded there (by id or version, else the one it serves now)
    /// and the deployment it succeeded in.
    func succeededRelease(in source: ServiceKey, wanted: String?) async throws -> (Release, Deployment) {
        let releases = try await deps.store.releases(service: source)
        let release: Release
        if let wanted {
            guard let found = releases.first(where: { $0.id == wanted }) ?? releases.first(where: { $0.version == wanted }) else {
                throw SlipwayError(.unknownRelease, "\(source) has no retained release \"\(wanted)\"",
                                   context: ErrorContext(service: source.service))
            }
            release = found
        } else {
            guard let active = await table.active(source), let found = releases.first(where: { $0.id == active.releaseID }) else {
                throw SlipwayError(.nothingToRollBack, "\(source) serves no release to promote; name one with --release",
                                   context: ErrorContext(service: source.service))
            }
            release = found
        }
        let deployments = try await deps.store.deployments(service: source, limit: 500)
        guard let succeeded = deployments.first(where: { $0.toRelease == release.id && $0.outcome == .succeeded }) else {
            throw SlipwayError(.policyRefused, "release \(release.id) (\(release.version)) never succeeded in \(source.environment): "
                               + "only a release that did is promoted", context: ErrorContext(service: source.service))
        }
        return (release, succeeded)
    }

    /// Runs the promotion (or records it pending when the target environment waits for approvals).
    func promote(_ release: Release, from succeeded: Deployment, into service: ServiceConfig, actor: String, trigger: Trigger?,
                 hotfix: Bool = false, reason: String? = nil,
                 emit: @escaping @Sendable (DeploymentEvent) -> Void) async throws -> Deployment {
        if ApprovalRules.mustWait(in: gates.config(service.environment), hotfix: hotfix) {
            var request = DeployRequest(service: service.name, environment: service.environment, ref: release.ref, actor: actor,
                                        trigger: trigger)
            (request.hotfix, request.reason) = (hotfix ? true : nil, reason)
            let record = try await pending.request(request, service: service, hotfix: hotfix, promoting: release, from: succeeded)
            emit(DeploymentEvent(event: .accepted, deploymentID: record.id, deployment: record))
            return record
        }
        let id = Identifiers.deploymentID(at: deps.now())
        try await table.acquire(service.key, ServiceLock(deploymentID: id, actor: actor, what: "promotion"))
        let previous = await table.active(service.key)
        var record = Deployment(id: id, kind: .deploy, service: service.name, ref: release.ref, fromRelease: previous?.releaseID,
                                version: release.version, commit: release.commit, actor: actor, startedAt: deps.now())
        record.key = service.key
        record.trigger = trigger
        record.promotedFrom = succeeded.id
        record.artifact = release.artifact
        if hotfix { record.hotfix = reason }
        let recorder = deps.recorder(record, emit: emit)
        if hotfix {
            await deps.audit(.deployHotfix, service: service.key, deployment: id, actor: actor,
                             "hotfix of \(service.key): promote release \(release.version): \(reason ?? "")")
        }
        return try await runPromotion(recorder, release: release, from: succeeded, service: service, previous: previous)
    }

    /// Opens the promotion's record and drives it; the service's lock is held and is freed here
    /// (by `open` when the record cannot be written: then it throws).
    func runPromotion(_ recorder: DeploymentRecorder, release: Release, from succeeded: Deployment, service: ServiceConfig,
                      previous: ActiveRelease?) async throws -> Deployment {
        try await open(recorder, service.key)
        await deps.audit(.deployStarted, service: service.key, deployment: recorder.id, actor: recorder.deployment.actor,
                         "promote \(service.key) to release \(release.version) from \(succeeded.key) (deployment \(succeeded.id), "
                             + "release \(release.id))")
        let plan = DeploymentMachine.Plan(id: recorder.id, kind: .promote(release, from: succeeded.id), service: service, previous: previous)
        let finished = await drive(plan, recorder: recorder)
        await table.release(service.key)
        return finished
    }
}
