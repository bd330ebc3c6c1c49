import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayGit

@Suite("Preparing releases from git")
struct PrepareTests {
    @Test func aTagExportsThatCommitLabelledWithTheTag() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            let first = try fixture.commit("first")
            try fixture.git("tag", "v1")
            try fixture.write("app.txt", "two\n")
            try fixture.commit("second")
            try fixture.git("tag", "v2")

            let release = try await fixture.builder().prepare(service: fixture.service(), ref: "v1", log: { _ in })

            let id = Identifiers.releaseID(at: GitFixture.date, commit: first)
            #expect(release.id == id)
            #expect(release.service == "web")
            #expect(release.ref == "v1")
            #expect(release.commit == first)
            #expect(release.version == "v1")
            #expect(release.createdAt == GitFixture.date)
            #expect(release.buildSeconds == 0)
            #expect(release.directory == fixture.releases + "/web/" + id)
            #expect(try String(contentsOfFile: release.directory + "/app.txt", encoding: .utf8) == "one\n")
            #expect(fixture.releaseEntries() == [id])
        }
    }

    @Test func headIsTheCommitNotTheWorkTreeAndUncommittedChangesAreWarnedAbout() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "committed\n")
            let commit = try fixture.commit("first")
            try fixture.write("app.txt", "edited, not committed\n")
            try fixture.write("untracked.txt", "never added\n")
            let log = CollectedLog()

            let release = try await fixture.builder().prepare(service: fixture.service(), ref: "HEAD", log: log.sink)

            #expect(release.commit == commit)
            #expect(try String(contentsOfFile: release.directory + "/app.txt", encoding: .utf8) == "committed\n")
            #expect(!FileManager.default.fileExists(atPath: release.directory + "/untracked.txt"))
            #expect(log.lines.contains { $0.hasPrefix("warning:") && $0.contains("uncommitted changes") })
        }
    }

    @Test func aCleanWorkTreeGivesNoWarning() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "committed\n")
            try fixture.commit("first")
            let log = CollectedLog()

            _ = try await fixture.builder().prepare(service: fixture.service(), ref: "HEAD", log: log.sink)

            #expect(!log.lines.contains { $0.contains("warning") })
        }
    }

    @Test func anUntaggedCommitIsLabelledWithItsShortCommit() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.commit("first")
            try fixture.git("tag", "v1")
            try fixture.write("app.txt", "two\n")
            let untagged = try fixture.commit("second")

            let release = try await fixture.builder().prepare(service: fixture.service(), ref: "main", log: { _ in })

            #expect(release.commit == untagged)
            #expect(release.version == String(untagged.prefix(12)))
        }
    }

    @Test func theRefNamedWinsAmongTagsOnItsCommitElseTheHighestVersion() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            let commit = try fixture.commit("first")
            try fixture.git("tag", "v1.9")
            try fixture.git("tag", "-a", "v1.10", "-m", "annotated")
            try fixture.git("tag", "latest")
            let builder = fixture.builder()

            let byName = try await builder.prepare(service: fixture.service(), ref: "latest", log: { _ in })
            let byFullName = try await builder.prepare(service: fixture.service(), ref: "refs/tags/v1.9", log: { _ in })
            let byHash = try await builder.prepare(service: fixture.service(), ref: commit, log: { _ in })

            #expect(byName.version == "latest")
            #expect(byFullName.version == "v1.9")
            #expect(byHash.version == "v1.10")
        }
    }

    @Test func releasesOfOneCommitInTheSameSecondGetDistinctIDs() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            let commit = try fixture.commit("first")
            let builder = fixture.builder()

            let first = try await builder.prepare(service: fixture.service(), ref: "HEAD", log: { _ in })
            let second = try await builder.prepare(service: fixture.service(), ref: "HEAD", log: { _ in })

            let id = Identifiers.releaseID(at: GitFixture.date, commit: commit)
            #expect(first.id == id)
            #expect(second.id == id + "-2")
            #expect(fixture.releaseEntries() == [id, id + "-2"])
        }
    }

    @Test(arguments: ["v9", "-v", "--git-dir=/tmp", "HEAD:app.txt", "", "HEAD@{1000}", "@{upstream}"])
    func aRefThatNamesNoCommitThrowsRefNotFound(ref: String) async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.commit("first")

            let error = await #expect(throws: SlipwayError.self) {
                try await fixture.builder().prepare(service: fixture.service(), ref: ref, log: { _ in })
            }
            #expect(error?.code == .refNotFound)
            #expect(error?.message == "ref \"\(ref)\" does not resolve to a commit in \(fixture.repository)")
            #expect(fixture.releaseEntries().isEmpty)
        }
    }

    @Test func aDirectoryThatIsNoRepositoryFailsWithGitsReason() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.repository + "/.git")

        let error = await #expect(throws: SlipwayError.self) {
            try await fixture.builder().prepare(service: fixture.service(), ref: "HEAD", log: { _ in })
        }
        #expect(error?.code == .buildFailed)
        #expect(error?.message.contains("not a git repository") == true)
    }
}
