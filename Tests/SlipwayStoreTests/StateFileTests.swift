import Foundation
import SlipwayCore
import SlipwayModel
import SlipwayStore
import Testing

/// The state database under a careless operator or a failing file system (issue 13).
@Suite struct StateFileTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-statefile-\(UUID().uuidString)").path
    var path: String { directory + "/state.db" }
    static let web = ServiceKey(service: "web")

    func record(_ id: String) -> Deployment {
        Deployment(id: id, kind: .deploy, service: "web", ref: "v1", actor: "alice", startedAt: Date(timeIntervalSince1970: 1000))
    }

    @Test func theWALIndexIsNeverASharedMemoryFile() async throws {
        let store = try SQLiteReleaseStore(path: path)
        try await store.saveDeployment(record("d-1"))
        // No state.db-shm to map, so nothing a truncation or a refusing file system can turn into SIGBUS.
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try await store.deployments(service: Self.web, limit: 5).map(\.id) == ["d-1"])
    }

    @Test func aStateDeletedUnderTheStoreFailsEachOperationClearly() async throws {
        let store = try SQLiteReleaseStore(path: path)
        try await store.saveDeployment(record("d-1"))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        await #expect {
            try await store.saveDeployment(record("d-2"))
        } throws: { error in
            (error as? SlipwayError)?.code == .storeFailed && "\(error)".contains("was deleted while the daemon ran")
        }
        await #expect(throws: SlipwayError.self) { try await store.deployments(service: nil, limit: 5) }
    }

    @Test func aStateReplacedUnderTheStoreFailsEachOperationClearly() async throws {
        let store = try SQLiteReleaseStore(path: path)
        try await store.saveDeployment(record("d-1"))
        let other = directory + "/other.db"
        _ = try SQLiteReleaseStore(path: other)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        _ = rename(other, path)
        await #expect {
            try await store.appendAudit(AuditEntry(at: Date(), actor: "alice", action: .deployStarted, service: "web", detail: "x"))
        } throws: { error in
            (error as? SlipwayError)?.code == .storeFailed && "\(error)".contains("was replaced while the daemon ran")
        }
    }
}
