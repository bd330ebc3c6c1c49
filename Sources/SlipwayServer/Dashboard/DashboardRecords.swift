import Foundation
import SlipwayCore
import SlipwayModel
import SlipwayStore

/// What the dashboard's deployment, history and audit pages read: the store's records and the
/// deployments running now.
protocol DashboardRecords: Sendable {
    /// nil: no deployment has that id.
    func deployment(id: String) async throws -> Deployment?
    func log(deployment id: String) async throws -> String
    func deployments(matching filter: DeploymentFilter) async throws -> [Deployment]
    func audit(matching filter: AuditFilter) async throws -> [AuditEntry]
    /// A deployment running in this daemon, followed as it goes; nil when it is not running here.
    func follow(_ id: String) -> (record: Deployment, lines: [String], changes: AsyncStream<LiveDeployments.Change>)?
    /// A deployment running in this daemon as it stands now; nil when it is not running here.
    func snapshot(_ id: String) -> (record: Deployment, lines: [String])?
}

/// The daemon's records: its state database and its running deployments.
struct StoredRecords: DashboardRecords {
    let store: SQLiteReleaseStore
    let live: LiveDeployments

    func deployment(id: String) async throws -> Deployment? { try await store.deployment(id: id) }
    func log(deployment id: String) async throws -> String { try await store.log(deployment: id) }
    func deployments(matching filter: DeploymentFilter) async throws -> [Deployment] { try await store.deployments(matching: filter) }
    func audit(matching filter: AuditFilter) async throws -> [AuditEntry] { try await store.audit(matching: filter) }

    func follow(_ id: String) -> (record: Deployment, lines: [String], changes: AsyncStream<LiveDeployments.Change>)? {
        live.follow(id)
    }

    func snapshot(_ id: String) -> (record: Deployment, lines: [String])? { live.snapshot(id) }
}
