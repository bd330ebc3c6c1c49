import Foundation
import SlipwayModel
import Testing
@testable import SlipwayGit

/// What a webhook names, made present in the repository holding slipway.yml: fetched from its
/// `origin` when it is not there, or refused clearly.
@Suite struct PushedObjectsTests {
    @Test func aCommitOnlyOriginHasIsFetchedAndOneNobodyHasIsRefused() async throws {
        try await withGitFixture { fixture in
            try fixture.write("VERSION", "1\n")
            let first = try fixture.commit("one")
            let origin = fixture.root + "/origin.git"
            try fixture.git("clone", "-q", "--bare", fixture.repository, origin)
            try fixture.git("remote", "add", "origin", origin)
            // Another clone pushes a commit (and a tag) to origin only.
            let other = fixture.root + "/other"
            try fixture.git("clone", "-q", origin, other)
            try fixture.git("-C", other, "commit", "-q", "--allow-empty", "-m", "two")
            try fixture.git("-C", other, "tag", "v2.0.0")
            try fixture.git("-C", other, "push", "-q", "origin", "main", "v2.0.0")
            let second = try fixture.git("-C", other, "rev-parse", "HEAD")

            let objects = PushedObjects(repository: fixture.repository)
            #expect(try await objects.ensurePresent(RefUpdate(ref: "refs/heads/main", before: nil, after: first)) == .present)
            #expect(try await objects.ensurePresent(RefUpdate(ref: "refs/heads/main", before: first, after: second)) == .fetched)
            #expect(try await objects.ensurePresent(RefUpdate(ref: "refs/tags/v2.0.0", before: nil, after: second)) == .fetched)
            #expect(try fixture.git("rev-parse", "v2.0.0") == second)

            let nowhere = String(repeating: "d", count: 40)
            let error = try await #require(throws: SlipwayError.self) {
                try await objects.ensurePresent(RefUpdate(ref: "refs/heads/main", before: second, after: nowhere))
            }
            #expect(error.code == .refNotFound)
            #expect(error.message.contains(nowhere) && error.message.contains("origin"), "\(error.message)")
            #expect(await objects.checkedOutBranch() == "main")
        }
    }
}
