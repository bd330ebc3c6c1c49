import Foundation
import SlipwayCore
import SlipwayModel

actor InMemoryStore: ReleaseStore {
    var releasesByService: [ServiceKey: [Release]] = [:]
    var deploymentsByID: [String: Deployment] = [:]
    var logs: [String: String] = [:]
    var actives: [ServiceKey: ActiveRelease] = [:]
    var auditEntries: [AuditEntry] = []
    var frozen: [String: Freeze] = [:]

    func saveRelease(_ release: Release) { releasesByService[release.key, default: []].insert(release, at: 0) }
    func releases(service: ServiceKey) -> [Release] { releasesByService[service] ?? [] }
    func deleteRelease(service: ServiceKey, id: String) { releasesByService[service]?.removeAll { $0.id == id } }
    private var deploymentWaiters: [(condition: @Sendable (Deployment) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    func saveDeployment(_ deployment: Deployment) {
        deploymentsByID[deployment.id] = deployment
        let ready = deploymentWaiters.filter { $0.condition(deployment) }
        deploymentWaiters.removeAll { $0.condition(deployment) }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Returns once a deployment record matching `condition` has been saved (or already is).
    func waitForDeployment(_ condition: @escaping @Sendable (Deployment) -> Bool) async {
        if deploymentsByID.values.contains(where: condition) { return }
        await withCheckedContinuation { deploymentWaiters.append((condition, $0)) }
    }
    func deployment(id: String) -> Deployment? { deploymentsByID[id] }
    func deployments(service: ServiceKey?, limit: Int) -> [Deployment] {
        Array(deploymentsByID.values.filter { service == nil || $0.key == service }
            .sorted { $0.startedAt > $1.startedAt }.prefix(limit))
    }
    func runningDeployments() -> [Deployment] { deploymentsByID.values.filter { $0.outcome == .running } }
    func deploymentTotals() -> [DeploymentTotal] {
        Dictionary(grouping: deploymentsByID.values) { [$0.key.environment, $0.service, $0.outcome.rawValue] }
            .map { DeploymentTotal(service: $0.value[0].key, outcome: $0.value[0].outcome, count: $0.value.count) }
    }
    func pendingDeployments() -> [Deployment] {
        deploymentsByID.values.filter { $0.outcome == .pending }.sorted { $0.startedAt < $1.startedAt }
    }
    func appendLog(deployment: String, text: String) { logs[deployment, default: ""] += text }
    func log(deployment: String) -> String { logs[deployment] ?? "" }
    /// Makes `setActive` fail, as a state file that went away or a full disk does.
    var failsSetActive = false
    func failSetActive(_ fails: Bool) { failsSetActive = fails }
    func setActive(_ active: ActiveRelease) throws {
        if failsSetActive { throw SlipwayError(.storeFailed, "the state database refused the write") }
        actives[active.key] = active
    }
    func clearActive(service: ServiceKey) { actives[service] = nil }
    func active(service: ServiceKey) -> ActiveRelease? { actives[service] }
    func allActive() -> [ActiveRelease] { Array(actives.values) }
    func setFreeze(_ freeze: Freeze) { frozen[freeze.environment] = freeze }
    func clearFreeze(environment: String) { frozen[environment] = nil }
    func freezes() -> [Freeze] { frozen.values.sorted { $0.environment < $1.environment } }
    func appendAudit(_ entry: AuditEntry) {
        var entry = entry
        entry.sequence = Int64(auditEntries.count + 1)
        auditEntries.append(entry)
    }
    func audit(service: ServiceKey?, limit: Int) -> [AuditEntry] {
        Array(auditEntries.filter { service == nil || $0.key == service }.suffix(limit))
    }
}
