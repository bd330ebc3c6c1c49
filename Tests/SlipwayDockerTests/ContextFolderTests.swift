import Foundation
@testable import SlipwayDocker
import SlipwayModel
import Testing

/// `image.context`: an image built from a folder of the release, as a monorepo's service is.
@Suite(.needsDocker, .serialized) struct ContextFolderTests {
    static let copyingItsOwnFiles = "FROM scratch\nCOPY app.txt /www/app.txt\nCOPY rootfs/ /\n"

    /// `services/api` holds its Dockerfile, files and `.dockerignore`; the root's `.dockerignore`
    /// leaves out `services`, which a root context would lose.
    func monorepo(_ fixture: DockerFixture) throws {
        let api = fixture.project.root + "/services/api"
        try FileManager.default.createDirectory(atPath: api, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.project.root + "/rootfs", toPath: api + "/rootfs")
        try fixture.project.write(Self.copyingItsOwnFiles, to: "services/api/Dockerfile")
        try fixture.project.write("api\n", to: "services/api/app.txt")
        try fixture.project.write("secret\n", to: "services/api/notes.secret")
        try fixture.project.write("*.secret\n", to: "services/api/.dockerignore")
        try fixture.project.write("services\n", to: ".dockerignore")
    }

    @Test func imageIsBuiltFromItsFolderWithThatFoldersDockerignore() async throws {
        try await DockerFixture.run { fixture in
            try monorepo(fixture)
            fixture.service.docker?.context = "services/api"
            let release = try await fixture.prepare()
            #expect(release.image?.hasPrefix("sha256:") == true)
            #expect(fixture.log.text.contains("docker build -f Dockerfile -t slipway/\(fixture.service.name):v1 services/api ("))
            let scanned = try BuildContext.scan(root: release.directory + "/services/api", dockerfile: "Dockerfile")
            #expect(scanned.entries.map(\.path).contains("app.txt"))
            #expect(!scanned.entries.map(\.path).contains("notes.secret"))
        }
    }

    @Test func copyFromTheFolderFailsWithoutAContext() async throws {
        try await DockerFixture.run(image: .dockerfile("services/api/Dockerfile")) { fixture in
            try monorepo(fixture)
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.code == .buildFailed)
            // The engine's words for a file outside the context (issue 13's report).
            #expect(error.message.contains("COPY app.txt /www/app.txt"), "\(error.message)")
            #expect(error.message.contains("excluded by .dockerignore"), "\(error.message)")
        }
    }

    @Test func contextMissingFromTheCommitFailsBeforeTheEngineIsAsked() async throws {
        try await DockerFixture.run { fixture in
            fixture.service.docker?.context = "services/none"
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.code == .buildFailed)
            #expect(error.message.contains("services/none (image.context) is not a directory in commit"), "\(error.message)")
            #expect(fixture.inner.removed.count == 1)
        }
    }

    @Test func dockerfileIsRelativeToTheContext() async throws {
        try await DockerFixture.run(image: .dockerfile("services/api/Dockerfile")) { fixture in
            try monorepo(fixture)
            fixture.service.docker?.context = "services/api"
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.message.contains("services/api/Dockerfile (image.dockerfile) is not a file in services/api (image.context)"),
                    "\(error.message)")
        }
    }

    @Test func contextThatALinkLeadsOutOfTheReleaseIsRefused() async throws {
        try await DockerFixture.run { fixture in
            let outside = fixture.releases.path + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture.project.root + "/Dockerfile", toPath: outside + "/Dockerfile")
            try FileManager.default.createSymbolicLink(atPath: fixture.project.root + "/linked", withDestinationPath: outside)
            fixture.service.docker?.context = "linked"
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.message.contains("linked (image.context) leads out of the repository through a symbolic link"),
                    "\(error.message)")
        }
    }
}
