import SlipwayModel
import Foundation

/// Durable state: releases, deployments with their stages and logs, what each service runs,
/// and the append-only audit trail. Every write is one transaction.
package protocol ReleaseStore: Sendable {
    func saveRelease(_ release: Release) async throws
    /// A service's releases, newest first.
    func releases(service: ServiceKey) async throws -> [Release]
    func deleteRelease(service: ServiceKey, id: String) async throws

    /// Inserts or replaces a deployment with its stages.
    func saveDeployment(_ deployment: Deployment) async throws
    func deployment(id: String) async throws -> Deployment?
    /// Newest first; all services of every environment when `service` is nil.
    func deployments(service: ServiceKey?, limit: Int) async throws -> [Deployment]
    /// Deployments whose outcome is still `running` (after a crash: the interrupted ones).
    func runningDeployments() async throws -> [Deployment]
    /// How many deployments each service of each environment has had, by outcome (for `/metrics`).
    func deploymentTotals() async throws -> [DeploymentTotal]
    /// Deployments that wait for approvals, a wait timer or the end of a freeze, oldest first.
    func pendingDeployments() async throws -> [Deployment]

    func appendLog(deployment: String, text: String) async throws
    func log(deployment: String) async throws -> String

    /// What a service serves now: its active release and the instance running it.
    func setActive(_ active: ActiveRelease) async throws
    func clearActive(service: ServiceKey) async throws
    func active(service: ServiceKey) async throws -> ActiveRelease?
    func allActive() async throws -> [ActiveRelease]

    /// Freezes, one per frozen environment (`slipway freeze`).
    func setFreeze(_ freeze: Freeze) async throws
    func clearFreeze(environment: String) async throws
    func freezes() async throws -> [Freeze]

    func appendAudit(_ entry: AuditEntry) async throws
    /// Oldest first.
    func audit(service: ServiceKey?, limit: Int) async throws -> [AuditEntry]
}

/// The release a service serves and the instance running it.
package struct ActiveRelease: Sendable, Equatable, Codable, KeyedByService {
    package var service: String
    /// Nil in the default environment: see `key`.
    package var environment: String?
    package var releaseID: String
    package var instance: Instance?
    /// The release this one replaced: the default target of `rollback`.
    package var previousReleaseID: String?
    package var switchedAt: Date
    /// The instance of the release this one replaced, still running but unrouted, so that a rollback
    /// within the watch period is a switch rather than a start. Recorded from the switch on, so a
    /// daemon that dies before it is stopped finds it again.
    package var warm: Instance?
    /// When `warm` is stopped: the end of the watch period (the switch itself when there is no watch).
    package var warmUntil: Date?
    /// The release's other instances (`replicas` > 1), slot 1 onwards; `instance` is slot 0.
    package var replicas: [Instance]
    /// The other warm instances of the replaced release, beside `warm`.
    package var warmReplicas: [Instance]

    package init(service: String, releaseID: String, instance: Instance?, previousReleaseID: String?, switchedAt: Date,
                warm: Instance? = nil, warmUntil: Date? = nil, replicas: [Instance] = [], warmReplicas: [Instance] = []) {
        self.service = service
        self.releaseID = releaseID
        self.instance = instance
        self.previousReleaseID = previousReleaseID
        self.switchedAt = switchedAt
        self.warm = warm
        self.warmUntil = warmUntil
        self.replicas = replicas
        self.warmReplicas = warmReplicas
    }

    /// Every instance of the active release, slot by slot (empty when it runs none).
    package var instances: [Instance] { instance.map { [$0] + replicas } ?? [] }
    /// Every warm instance of the release it replaced.
    package var warmInstances: [Instance] { warm.map { [$0] + warmReplicas } ?? [] }
}

/// A record written before replicas existed has neither list: one instance, one warm.
extension ActiveRelease {
    private enum CodingKeys: String, CodingKey {
        case service, environment, releaseID, instance, previousReleaseID, switchedAt, warm, warmUntil, replicas, warmReplicas
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        service = try c.decode(String.self, forKey: .service)
        environment = try c.decodeIfPresent(String.self, forKey: .environment)
        releaseID = try c.decode(String.self, forKey: .releaseID)
        instance = try c.decodeIfPresent(Instance.self, forKey: .instance)
        previousReleaseID = try c.decodeIfPresent(String.self, forKey: .previousReleaseID)
        switchedAt = try c.decode(Date.self, forKey: .switchedAt)
        warm = try c.decodeIfPresent(Instance.self, forKey: .warm)
        warmUntil = try c.decodeIfPresent(Date.self, forKey: .warmUntil)
        replicas = try c.decodeIfPresent([Instance].self, forKey: .replicas) ?? []
        warmReplicas = try c.decodeIfPresent([Instance].self, forKey: .warmReplicas) ?? []
    }
}

extension ActiveRelease {
    /// This active release, in `key`'s environment.
    package func keyed(_ key: ServiceKey) -> ActiveRelease {
        var keyed = self
        keyed.key = key
        return keyed
    }
}
