import Foundation
import GRDB
import SlipwayCore
import SlipwayModel
import SlipwayStore
import Testing

/// `.slipway/state.db` as the release before environments wrote it (`Fixtures/`, made by that
/// release's `slipway serve`: deploys of v1, v2, v3, a rollback, a deploy of a ref that does not
/// resolve), opened by this one.
@Suite struct StateMigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-migration-\(UUID().uuidString)").path
    static let web = ServiceKey(service: "web")

    /// A copy of the fixture, so the migration never changes the file in the repository.
    func openedFixture() throws -> (SQLiteReleaseStore, path: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/state.db"
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("state-before-environments.db").path, toPath: path)
        return (try SQLiteReleaseStore(path: path), path)
    }

    /// As `--json` prints it: the daemon encodes what the store read, the CLI decodes that and
    /// prints it (two trips through ISO 8601 with milliseconds, each of which may move a date by one).
    static func printed<T: Codable>(_ value: T) -> String {
        let sent = (try? APICoding.encoder().encode(value)) ?? Data()
        guard let received = try? APICoding.decoder().decode(T.self, from: sent) else { return "" }
        return String(decoding: (try? APICoding.encoder(pretty: true).encode(received)) ?? Data(), as: UTF8.self)
    }

    static func recorded<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try APICoding.decoder().decode(type, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    @Test func historyShowsTheSameDeploymentsAfterTheMigration() async throws {
        let (store, _) = try openedFixture()
        let before = try Self.recorded([Deployment].self, "history-before-environments.json")
        #expect(before.count == 5)
        // What `slipway history --json` printed then, it prints now.
        let printed = try String(contentsOf: Self.fixtures.appendingPathComponent("history-before-environments.json"), encoding: .utf8)
        let all = try await store.deployments(service: nil, limit: 20)
        #expect(Self.printed(all) == printed.trimmingCharacters(in: .newlines))
        #expect(Self.printed(try await store.deployments(service: Self.web, limit: 20)) == printed.trimmingCharacters(in: .newlines))
        #expect(all.allSatisfy { $0.key == Self.web })
    }

    @Test func theAuditTrailReleasesAndActiveReleaseSurviveTheMigration() async throws {
        let (store, _) = try openedFixture()
        let audit = try Self.recorded([AuditEntry].self, "audit-before-environments.json")
        let printed = try String(contentsOf: Self.fixtures.appendingPathComponent("audit-before-environments.json"), encoding: .utf8)
        #expect(Self.printed(try await store.audit(service: nil, limit: 100)) == printed.trimmingCharacters(in: .newlines))
        #expect(try await store.audit(service: Self.web, limit: 100).map(\.sequence) == audit.map(\.sequence))
        let releases = try await store.releases(service: Self.web)
        #expect(releases.map(\.version) == ["v3", "v2", "v1"])
        let active = try #require(try await store.active(service: Self.web))
        #expect(releases.first { $0.id == active.releaseID }?.version == "v2")
    }

    @Test func theMigratedTrailStaysAppendOnly() async throws {
        do { _ = try openedFixture() }
        // The store (which holds the file exclusively while open) is closed: the file alone is checked.
        let queue = try DatabaseQueue(path: directory + "/state.db")
        #expect { try queue.write { try $0.execute(sql: "DELETE FROM audit") } } throws: { error in
            "\(error)".contains("the audit trail is append-only")
        }
        #expect { try queue.write { try $0.execute(sql: "UPDATE audit SET detail = 'x'") } } throws: { error in
            "\(error)".contains("the audit trail is append-only")
        }
    }

    @Test func aMigratedDatabaseKeepsEachEnvironmentApart() async throws {
        let (store, _) = try openedFixture()
        let staging = ServiceKey(environment: "staging", service: "web")
        var release = try #require(try await store.releases(service: Self.web).first)
        release.key = staging
        try await store.saveRelease(release)
        var deployment = try #require(try await store.deployments(service: Self.web, limit: 1).first)
        deployment.id = "d-staging"
        deployment.key = staging
        try await store.saveDeployment(deployment)
        try await store.setActive(ActiveRelease(service: "web", releaseID: release.id, instance: nil, previousReleaseID: nil,
                                                switchedAt: Date()).keyed(staging))
        var entry = AuditEntry(at: Date(), actor: "alice", action: .deployStarted, service: "web", detail: "staging")
        entry.environment = "staging"
        try await store.appendAudit(entry)

        #expect(try await store.releases(service: staging).map(\.id) == [release.id])
        #expect(try await store.releases(service: Self.web).count == 3)
        #expect(try await store.deployments(service: staging, limit: 10).map(\.id) == ["d-staging"])
        #expect(try await store.deployments(service: Self.web, limit: 10).count == 5)
        #expect(try await store.active(service: staging)?.key == staging)
        #expect(try await store.active(service: Self.web)?.key == Self.web)
        #expect(try await store.audit(service: staging, limit: 10).map(\.detail) == ["staging"])
        #expect(try await store.audit(service: Self.web, limit: 100).count == 10)
        // The default environment's records keep their JSON as it was: no environment field.
        let json = String(decoding: try APICoding.encoder().encode(try await store.deployments(service: Self.web, limit: 1)), as: UTF8.self)
        #expect(!json.contains("environment"))
        #expect(String(decoding: try APICoding.encoder().encode(deployment), as: UTF8.self).contains("\"environment\":\"staging\""))
    }
}
