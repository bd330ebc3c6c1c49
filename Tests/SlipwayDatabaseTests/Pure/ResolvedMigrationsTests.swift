import Foundation
import SlipwayModel
import Testing
@testable import SlipwayDatabase

@Suite struct ResolvedMigrationsTests {
    let project: MigrationProject

    init() throws {
        project = try MigrationProject()
    }

    @Test func readsFlywayNamesInRunOrder() throws {
        try project.write("V1_10__ten.sql", "SELECT 10;")
        try project.write("V1_9__nine.sql", "SELECT 9;")
        try project.write("nested/V2__add_employee_timezone.sql", "SELECT 2;")
        try project.write("R__views.sql", "SELECT 'v';")
        try project.write("R__a_first.sql", "SELECT 'a';")
        try project.write("README.md", "not a migration")
        try project.write(".hidden/V9__ignored.sql", "SELECT 9;")

        let resolved = try ResolvedMigrations.load(from: project.migrations)

        #expect(resolved.versioned.map(\.script) == ["V1_9__nine.sql", "V1_10__ten.sql", "nested/V2__add_employee_timezone.sql"])
        #expect(resolved.versioned.map(\.description) == ["nine", "ten", "add employee timezone"])
        #expect(resolved.repeatable.map(\.description) == ["a first", "views"])
        #expect(resolved.versioned[0].checksum == FlywayChecksum.checksum(of: "SELECT 9;"))
        #expect(resolved.issues.isEmpty)
    }

    @Test func namesBadFilesAndDuplicates() throws {
        try project.write("V1__one.sql", "SELECT 1;")
        try project.write("V1_0__also_one.sql", "SELECT 1;")
        try project.write("V2_init.sql", "SELECT 2;")
        try project.write("Vx__what.sql", "SELECT 3;")
        try project.write("R__same.sql", "SELECT 4;")
        try project.write("sub/R__same.sql", "SELECT 5;")

        let resolved = try ResolvedMigrations.load(from: project.migrations)

        #expect(resolved.issues.map(\.kind) == [.duplicateVersion, .invalidName, .invalidName, .duplicateRepeatable])
        #expect(resolved.issues[0].message == "V1__one.sql and V1_0__also_one.sql both have version 1")
        #expect(resolved.issues[1].script == "V2_init.sql")
        #expect(resolved.issues[2].message.contains("`x` is not a version"))
    }

    @Test func aMissingDirectoryIsAConfigError() {
        #expect(throws: SlipwayError.self) { try ResolvedMigrations.load(from: project.root + "/nope") }
    }
}
