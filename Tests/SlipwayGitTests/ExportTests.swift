import Foundation
import SlipwayCore
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayGit

/// `export` and `build` apart, as the pipeline runs them: checks and migrations read the exported
/// files before (and while) the build runs.
@Suite("Exporting, then building")
struct ExportTests {
    @Test func anExportIsStagedUntilTheBuildPublishesIt() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.write("build.sh", "echo built > built.txt\n", executable: true)
            try fixture.commit("first")
            let builder = fixture.builder()
            let service = fixture.service(build: "./build.sh")

            let exported = try await builder.export(service: service, ref: "HEAD", log: { _ in })
            #expect(exported.directory == fixture.releases + "/web/.tmp-" + exported.release.id)
            #expect(try String(contentsOfFile: exported.directory + "/app.txt", encoding: .utf8) == "one\n")
            #expect(!FileManager.default.fileExists(atPath: exported.release.directory))
            #expect(!FileManager.default.fileExists(atPath: exported.directory + "/built.txt"))

            let built = try await builder.build(exported, service: service, log: { _ in })
            #expect(try String(contentsOfFile: built.directory + "/built.txt", encoding: .utf8) == "built\n")
            #expect(!FileManager.default.fileExists(atPath: exported.release.directory))
            let release = try await builder.publish(built)
            #expect(release.directory == exported.release.directory)
            #expect(try String(contentsOfFile: release.directory + "/built.txt", encoding: .utf8) == "built\n")
            #expect(!FileManager.default.fileExists(atPath: exported.directory))
            #expect(fixture.releaseEntries() == [release.id])
        }
    }

    @Test func aDiscardedExportLeavesNothing() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.commit("first")
            let builder = fixture.builder()
            let exported = try await builder.export(service: fixture.service(), ref: "HEAD", log: { _ in })
            await builder.discard(exported)
            #expect(fixture.releaseEntries().isEmpty)
        }
    }

    @Test func aDirectoryThatIsNotTheReleasesStagingIsNeitherBuiltNorDeleted() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.commit("first")
            let builder = fixture.builder()
            var exported = try await builder.export(service: fixture.service(), ref: "HEAD", log: { _ in })
            let elsewhere = fixture.repository
            exported.directory = elsewhere
            await #expect(throws: SlipwayError.self) {
                try await builder.build(exported, service: fixture.service(build: "true"), log: { _ in })
            }
            await builder.discard(exported)
            #expect(FileManager.default.fileExists(atPath: elsewhere + "/app.txt"))
        }
    }

    @Test func aCancelledBuildKillsItsProcessesAndLeavesNothing() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", "echo started\nsleep 30\necho never > finished.txt\n", executable: true)
            try fixture.commit("first")
            let builder = fixture.builder()
            let service = fixture.service(build: "./build.sh")
            let exported = try await builder.export(service: service, ref: "HEAD", log: { _ in })
            let started = CollectedLog()
            let build = Task { try await builder.build(exported, service: service, log: started.sink) }
            try await waitUntil("the build to start", timeout: .seconds(10)) { started.lines.contains("started") }
            build.cancel()
            await #expect(throws: CancellationError.self) { try await build.value }
            #expect(fixture.releaseEntries().isEmpty)
        }
    }
}
