import Foundation
import SlipwayModel
import Testing
@testable import SlipwayGit

@Suite("Removing releases")
struct RemoveTests {
    @Test func removeDeletesTheReleaseDirectoryAndIsIdempotent() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.write("nested/deep/file.txt", "deep\n")
            try fixture.commit("first")
            let builder = fixture.builder()
            let release = try await builder.prepare(service: fixture.service(), ref: "HEAD", log: { _ in })
            #expect(FileManager.default.fileExists(atPath: release.directory + "/nested/deep/file.txt"))

            try await builder.remove(release)
            try await builder.remove(release)

            #expect(!FileManager.default.fileExists(atPath: release.directory))
            #expect(fixture.releaseEntries().isEmpty)
        }
    }

    @Test func removeWorksThroughASymlinkedReleasesDirectory() async throws {
        try await withGitFixture { fixture in
            try fixture.write("app.txt", "one\n")
            try fixture.commit("first")
            let link = fixture.root + "/releases-link"
            try FileManager.default.createDirectory(atPath: fixture.releases, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.releases)
            let builder = fixture.builder(releasesDirectory: link)
            let release = try await builder.prepare(service: fixture.service(), ref: "HEAD", log: { _ in })
            #expect(FileManager.default.fileExists(atPath: link + "/web/" + release.id))

            try await builder.remove(release)

            #expect(fixture.releaseEntries().isEmpty)
        }
    }

    @Test(arguments: ["/outside", "/releases/web", "/releases/web/../../outside", "/releases/../outside/x"])
    func removeRefusesADirectoryOutsideTheReleasesDirectory(suffix: String) async throws {
        try await withGitFixture { fixture in
            let target = fixture.root + suffix
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: fixture.root + "/outside", withIntermediateDirectories: true)
            let release = Release(id: "x", service: "web", ref: "HEAD", commit: "abc", version: "abc",
                                  directory: target, createdAt: Date(), buildSeconds: 0)

            let error = await #expect(throws: SlipwayError.self) { try await fixture.builder().remove(release) }
            #expect(error?.code == .badRequest)
            #expect(FileManager.default.fileExists(atPath: target))
        }
    }
}
