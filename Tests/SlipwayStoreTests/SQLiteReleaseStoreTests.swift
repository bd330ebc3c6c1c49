import Foundation
import GRDB
import SlipwayCore
import SlipwayModel
import SlipwayStore
import Testing

@Suite struct SQLiteReleaseStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-store-\(UUID().uuidString)").path
    var path: String { directory + "/state.db" }

    func release(_ id: String, at seconds: Double) -> Release {
        Release(id: id, service: "web", ref: "v1", commit: String(repeating: "a", count: 40), version: "v1",
                directory: "/r/\(id)", createdAt: Date(timeIntervalSince1970: seconds), buildSeconds: 0.5)
    }

    @Test func releasesComeBackNewestFirstAcrossReopen() async throws {
        do {
            let store = try SQLiteReleaseStore(path: path)
            try await store.saveRelease(release("r1", at: 100))
            try await store.saveRelease(release("r2", at: 200))
        }
        let reopened = try SQLiteReleaseStore(path: path)
        #expect(try await reopened.releases(service: ServiceKey(service: "web")).map(\.id) == ["r2", "r1"])
        try await reopened.deleteRelease(service: ServiceKey(service: "web"), id: "r2")
        #expect(try await reopened.releases(service: ServiceKey(service: "web")).map(\.id) == ["r1"])
    }

    @Test func deploymentRecordsRoundTripWithStagesAndLogs() async throws {
        let store = try SQLiteReleaseStore(path: path)
        var deployment = Deployment(id: "d-1", kind: .deploy, service: "web", ref: "v2", actor: "alice",
                                    startedAt: Date(timeIntervalSince1970: 1000),
                                    stages: [StageRecord(name: .build, startedAt: Date(timeIntervalSince1970: 1000))])
        try await store.saveDeployment(deployment)
        #expect(try await store.runningDeployments().map(\.id) == ["d-1"])
        deployment.outcome = .succeeded
        deployment.exitCode = .success
        deployment.stages[0].outcome = .succeeded
        try await store.saveDeployment(deployment)
        #expect(try await store.deployment(id: "d-1") == deployment)
        #expect(try await store.runningDeployments().isEmpty)
        try await store.appendLog(deployment: "d-1", text: "line 1\n")
        try await store.appendLog(deployment: "d-1", text: "line 2\n")
        #expect(try await store.log(deployment: "d-1") == "line 1\nline 2\n")
    }

    @Test func historyIsNewestFirstAndFiltersByService() async throws {
        let store = try SQLiteReleaseStore(path: path)
        for (index, service) in ["web", "api", "web"].enumerated() {
            try await store.saveDeployment(Deployment(id: "d-\(index)", kind: .deploy, service: service, actor: "a",
                                                      startedAt: Date(timeIntervalSince1970: Double(index))))
        }
        #expect(try await store.deployments(service: ServiceKey(service: "web"), limit: 10).map(\.id) == ["d-2", "d-0"])
        #expect(try await store.deployments(service: nil, limit: 2).map(\.id) == ["d-2", "d-1"])
    }

    @Test func activeReleaseSurvivesReopen() async throws {
        let instance = Instance(service: "web", releaseID: "r1", pid: 42, port: 4000, startToken: 7, logFile: "/tmp/l")
        let active = ActiveRelease(service: "web", releaseID: "r1", instance: instance, previousReleaseID: "r0",
                                   switchedAt: Date(timeIntervalSince1970: 5))
        try await SQLiteReleaseStore(path: path).setActive(active)
        let reopened = try SQLiteReleaseStore(path: path)
        #expect(try await reopened.active(service: ServiceKey(service: "web")) == active)
        #expect(try await reopened.allActive() == [active])
        try await reopened.clearActive(service: ServiceKey(service: "web"))
        #expect(try await reopened.active(service: ServiceKey(service: "web")) == nil)
    }

    @Test func auditTrailIsAppendOnly() async throws {
        do {
            let store = try SQLiteReleaseStore(path: path)
            try await store.appendAudit(AuditEntry(at: Date(), actor: "alice", action: .deployStarted, service: "web", detail: "one"))
            try await store.appendAudit(AuditEntry(at: Date(), actor: "alice", action: .deploySucceeded, service: "web", detail: "two"))
            let entries = try await store.audit(service: ServiceKey(service: "web"), limit: 10)
            #expect(entries.map(\.action.rawValue) == ["deploy.started", "deploy.succeeded"])
            #expect(entries.map(\.sequence) == [1, 2])
            // While the store is open it holds the file alone: another connection cannot even read it.
            #expect(throws: (any Error).self) {
                try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit") }
            }
        }
        // Even with direct SQL access, a line cannot be changed or removed.
        do {
            let queue = try DatabaseQueue(path: path)
            #expect { try queue.write { try $0.execute(sql: "UPDATE audit SET detail = 'x'") } } throws: { error in
                "\(error)".contains("the audit trail is append-only")
            }
            #expect { try queue.write { try $0.execute(sql: "DELETE FROM audit") } } throws: { error in
                "\(error)".contains("the audit trail is append-only")
            }
        }
        #expect(try await SQLiteReleaseStore(path: path).audit(service: nil, limit: 10).count == 2)
    }

    @Test func anUnwritableLocationIsAClearError() {
        #expect { try SQLiteReleaseStore(path: "/proc/slipway/state.db") } throws: { error in
            (error as? SlipwayError)?.code == .storeFailed
        }
    }
}
