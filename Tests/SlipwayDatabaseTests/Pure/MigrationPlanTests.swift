import Foundation
import Testing
@testable import SlipwayDatabase

/// The states `info` shows and the refusals `validate` makes, from files and history rows alone.
@Suite struct MigrationPlanTests {
    private func versioned(_ version: String, _ sql: String = "SELECT 1;") -> MigrationScript {
        let file = "V\(version)__m.sql"
        return MigrationScript(kind: .versioned, version: MigrationVersion(version), description: "m", script: file,
                               path: "/m/" + file, checksum: FlywayChecksum.checksum(of: sql), sql: sql)
    }

    private func repeatable(_ name: String, _ sql: String) -> MigrationScript {
        MigrationScript(kind: .repeatable, version: nil, description: name, script: "R__\(name).sql", path: "/m/R__\(name).sql",
                        checksum: FlywayChecksum.checksum(of: sql), sql: sql)
    }

    private func row(_ rank: Int, _ script: MigrationScript, success: Bool = true, checksum: Int32? = nil) -> AppliedMigration {
        AppliedMigration(installedRank: rank, version: script.version?.description, description: script.description,
                         type: "SQL", script: script.script, checksum: checksum ?? script.checksum, installedBy: "test",
                         installedOn: Date(timeIntervalSince1970: 0), executionTime: 1, success: success)
    }

    @Test func pendingRunsVersionedByVersionThenRepeatables() {
        let v1 = versioned("1"), v2 = versioned("1.10"), v3 = versioned("1.9"), r = repeatable("views", "SELECT 2;")
        let plan = MigrationPlan(resolved: ResolvedMigrations(versioned: [v1, v3, v2], repeatable: [r]),
                                 history: [row(1, v1)], allowOutOfOrder: false)
        #expect(plan.pending.map(\.script) == ["V1.9__m.sql", "V1.10__m.sql", "R__views.sql"])
        #expect(plan.infos.map(\.state) == [.applied, .pending, .pending, .pending])
        #expect(plan.currentVersion == MigrationVersion("1"))
        #expect(plan.issues.isEmpty)
    }

    @Test func everyStateAndItsIssue() {
        let applied = versioned("1"), changed = versioned("2"), failed = versioned("3"), gone = versioned("4")
        let late = versioned("4.5"), pending = versioned("6")
        let same = repeatable("same", "SELECT 1;"), edited = repeatable("edited", "SELECT 2;")
        let history = [
            row(1, applied), row(2, changed, checksum: 42), row(3, failed, success: false), row(4, gone),
            row(5, versioned("5")), row(6, same), row(7, edited, checksum: 7),
        ]
        let plan = MigrationPlan(
            resolved: ResolvedMigrations(versioned: [applied, changed, failed, late, pending], repeatable: [edited, same]),
            history: history, allowOutOfOrder: false)

        #expect(plan.infos.map(\.state) == [.applied, .changed, .failed, .missing, .outOfOrder, .missing, .pending, .outdated, .applied])
        #expect(plan.issues.map(\.kind) == [.changed, .failed, .outOfOrder, .missing, .missing])
        #expect(plan.pending.map(\.script) == ["V6__m.sql", "R__edited.sql"], "out of order is held back")
        #expect(plan.currentVersion == MigrationVersion("5"))
    }

    @Test func outOfOrderRunsWhenAllowed() {
        let v1 = versioned("1"), v2 = versioned("2"), v3 = versioned("3")
        let plan = MigrationPlan(resolved: ResolvedMigrations(versioned: [v1, v2, v3]), history: [row(1, v1), row(2, v3)],
                                 allowOutOfOrder: true)
        #expect(plan.pending.map(\.script) == ["V2__m.sql"])
        #expect(plan.issues.isEmpty)
    }

    @Test func baselineHidesWhatItCovers() {
        let v1 = versioned("1"), v2 = versioned("2"), v3 = versioned("3")
        let baseline = AppliedMigration(installedRank: 1, version: "2", description: "<< Slipway Baseline >>", type: "BASELINE",
                                        script: "<< Slipway Baseline >>", checksum: nil, installedBy: "test",
                                        installedOn: Date(timeIntervalSince1970: 0), executionTime: 0, success: true)
        let plan = MigrationPlan(resolved: ResolvedMigrations(versioned: [v1, v2, v3]), history: [baseline], allowOutOfOrder: false)
        #expect(plan.infos.map(\.state) == [.belowBaseline, .baseline, .belowBaseline, .pending])
        #expect(plan.pending.map(\.script) == ["V3__m.sql"])
        #expect(plan.currentVersion == MigrationVersion("2"))
    }

    @Test func flywaySchemaMarkerIsNotAMigration() {
        let v1 = versioned("1")
        let marker = AppliedMigration(installedRank: 0, version: "0", description: "<< Flyway Schema Creation >>", type: "SCHEMA",
                                      script: "\"public\"", checksum: nil, installedBy: "test",
                                      installedOn: Date(timeIntervalSince1970: 0), executionTime: 0, success: true)
        let plan = MigrationPlan(resolved: ResolvedMigrations(versioned: [v1]), history: [marker, row(1, v1)], allowOutOfOrder: false)
        #expect(plan.infos.map(\.state) == [.applied])
        #expect(plan.issues.isEmpty)
    }
}
