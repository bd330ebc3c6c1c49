import Foundation
import Testing
@testable import SlipwayDatabase

@Suite struct BackupRotationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func backup(_ name: String, daysAgo: Double, verified: Bool = true) -> BackupManifest {
        BackupManifest(name: name, database: "app", format: .sqliteGzip, file: name + ".sqlite.gz",
                       createdAt: now.addingTimeInterval(-daysAgo * 86_400), deploymentID: nil, reason: .manual,
                       sizeBytes: 1, sha256: "", tools: [:], schemaVersion: nil, historyRows: nil,
                       historyTable: "slipway_schema_history", verified: verified)
    }

    @Test func keepsTheNewestN() {
        let all = (0..<5).map { backup("b\($0)", daysAgo: Double($0)) }
        #expect(BackupRotation.expired(all, keep: 3, maxAge: nil, now: now).map(\.name) == ["b3", "b4"])
    }

    @Test func dropsWhatIsTooOld() {
        let all = (0..<5).map { backup("b\($0)", daysAgo: Double($0) * 7) }
        #expect(BackupRotation.expired(all, keep: nil, maxAge: .seconds(14 * 86_400), now: now).map(\.name) == ["b3", "b4"])
    }

    @Test func neverDeletesTheNewestVerified() {
        let all = [backup("new-unverified", daysAgo: 1, verified: false), backup("old-verified", daysAgo: 30),
                   backup("older-verified", daysAgo: 60)]
        #expect(BackupRotation.expired(all, keep: 1, maxAge: .seconds(86_400 * 7), now: now).map(\.name) == ["older-verified"])
        #expect(BackupRotation.expired([backup("only", daysAgo: 400)], keep: nil, maxAge: .seconds(86_400), now: now).isEmpty)
    }

    @Test func noLimitsDeleteNothing() {
        let all = (0..<5).map { backup("b\($0)", daysAgo: Double($0) * 100) }
        #expect(BackupRotation.expired(all, keep: nil, maxAge: nil, now: now).isEmpty)
    }
}
