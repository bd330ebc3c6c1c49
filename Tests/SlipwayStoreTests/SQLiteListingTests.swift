import Foundation
import SlipwayModel
import SlipwayStore
import Testing

/// The dashboard's listings on a real state database: every filter narrows, pages do not overlap.
@Suite struct SQLiteListingTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-listing-\(UUID().uuidString)").path

    func filled() async throws -> SQLiteReleaseStore {
        let store = try SQLiteReleaseStore(path: directory + "/state.db")
        let day = 86_400.0
        for index in 0..<30 {
            var record = Deployment(id: String(format: "d%02d", index), kind: .deploy, service: index % 3 == 0 ? "api" : "web",
                                    ref: "v\(index)", actor: index % 2 == 0 ? "alice" : "bob",
                                    startedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(index) * day / 2),
                                    outcome: index % 5 == 0 ? .failed : .succeeded)
            if index >= 20 { record.environment = "staging" }
            try await store.saveDeployment(record)
            var entry = AuditEntry(at: record.startedAt, actor: record.actor, action: .deployStarted, service: record.service,
                                   deployment: record.id, detail: "deploy of \(record.id)")
            entry.environment = record.environment
            try await store.appendAudit(entry)
        }
        return store
    }

    @Test func deploymentsByEveryFilterNewestFirstInPages() async throws {
        let store = try await filled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let all = try await store.deployments(matching: DeploymentFilter(limit: 100))
        #expect(all.map(\.id) == (0..<30).reversed().map { String(format: "d%02d", $0) })
        let failedByAlice = try await store.deployments(matching: DeploymentFilter(outcome: .failed, actor: "alice", limit: 100))
        #expect(failedByAlice.map(\.id) == ["d20", "d10", "d00"])
        let apiInStaging = try await store.deployments(matching: DeploymentFilter(environment: "staging", service: "api", limit: 100))
        #expect(apiInStaging.map(\.id) == ["d27", "d24", "d21"])
        let defaults = try await store.deployments(matching: DeploymentFilter(environment: ServiceKey.defaultEnvironment, limit: 100))
        #expect(defaults.count == 20)
        // Days 2 and 3 after the first: indices 4..7 (two a day).
        let days = try await store.deployments(matching: DeploymentFilter(since: Date(timeIntervalSince1970: 1_800_000_000 + 2 * 86_400),
                                                                          until: Date(timeIntervalSince1970: 1_800_000_000 + 4 * 86_400),
                                                                          limit: 100))
        #expect(days.map(\.id) == ["d07", "d06", "d05", "d04"])
        let first = try await store.deployments(matching: DeploymentFilter(limit: 12))
        let second = try await store.deployments(matching: DeploymentFilter(limit: 12, offset: 12))
        #expect(first.count == 12 && second.count == 12 && Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(second.first?.id == "d17")
    }

    @Test func auditPagesBySequenceWithFilters() async throws {
        let store = try await filled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let newest = try await store.audit(matching: AuditFilter(limit: 10))
        #expect(newest.map(\.deployment) == (20..<30).reversed().map { String(format: "d%02d", $0) })
        let older = try await store.audit(matching: AuditFilter(before: newest.last?.sequence, limit: 10))
        #expect(older.first?.deployment == "d19" && older.count == 10)
        let bobInStaging = try await store.audit(matching: AuditFilter(environment: "staging", actor: "bob", limit: 100))
        #expect(bobInStaging.map(\.deployment) == ["d29", "d27", "d25", "d23", "d21"])
        #expect(bobInStaging.allSatisfy { $0.environment == "staging" })
        let api = try await store.audit(matching: AuditFilter(service: "api", limit: 3))
        #expect(api.map(\.deployment) == ["d27", "d24", "d21"])
    }
}
