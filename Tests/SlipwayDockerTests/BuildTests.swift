import Foundation
@testable import SlipwayDocker
import SlipwayModel
import Testing

/// `DockerReleaseBuilder` against the real engine: images built from the release directory.
@Suite(.needsDocker, .serialized) struct BuildTests {
    @Test func buildRecordsTheImageAndTagsItForTheRelease() async throws {
        try await DockerFixture.run { fixture in
            let release = try await fixture.prepare("v1.4.0")
            let image = try #require(release.image)
            #expect(image.hasPrefix("sha256:"))
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):v1.4.0")?.id == image)
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):\(release.id)")?.id == image)
            let text = fixture.log.text
            #expect(text.contains("Step 1/3 : FROM scratch"))
            #expect(text.contains("Step 2/3 : COPY rootfs/ /"))
            #expect(text.contains("Step 3/3 : CMD"))
            #expect(text.contains("built image \(image)"))
            #expect(FileManager.default.fileExists(atPath: release.directory))
        }
    }

    @Test func failingStepFailsTheBuildNamingTheStep() async throws {
        let dockerfile = """
            FROM scratch
            COPY rootfs/ /
            RUN ["/bin/sh", "-c", "echo compiling; exit 3"]
            CMD ["/bin/true"]

            """
        try await DockerFixture.run(dockerfile: dockerfile) { fixture in
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare("v2") }
            #expect(error.code == .buildFailed)
            #expect(error.message.contains(#"at Step 3/4 : RUN ["/bin/sh", "-c", "echo compiling; exit 3"]"#))
            #expect(error.message.contains("returned a non-zero code: 3"))
            #expect(fixture.log.text.contains("compiling"))
            // A failed build leaves no release behind: no directory, no tag.
            #expect(fixture.inner.removed.count == 1)
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):v2") == nil)
        }
    }

    @Test func unknownInstructionIsABuildFailure() async throws {
        try await DockerFixture.run(dockerfile: "FROM scratch\nCOPPY rootfs/ /\n") { fixture in
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.code == .buildFailed)
            #expect(error.message.lowercased().contains("coppy"))
        }
    }

    @Test func missingDockerfileFailsBeforeTheEngineIsAsked() async throws {
        try await DockerFixture.run(image: .dockerfile("services/api/Dockerfile")) { fixture in
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare() }
            #expect(error.code == .buildFailed)
            #expect(error.message.contains("services/api/Dockerfile (image.dockerfile) is not a file in commit"))
            #expect(fixture.inner.removed.count == 1)
        }
    }

    @Test func buildArgumentsAndDockerignoreReachTheBuild() async throws {
        let dockerfile = """
            FROM scratch
            ARG GREETING
            COPY rootfs/ /
            RUN ["/bin/sh", "-c", "echo \\"greeting=$GREETING\\"; ls /www"]

            """
        try await DockerFixture.run(dockerfile: dockerfile) { fixture in
            fixture.service.docker?.args = ["GREETING": "hello"]
            try fixture.project.write("secret\n", to: "rootfs/www/private.key")
            try fixture.project.write("rootfs/www/*.key\n", to: ".dockerignore")
            _ = try await fixture.prepare()
            let text = fixture.log.text
            #expect(text.contains("greeting=hello"))
            #expect(text.contains("health"))
            #expect(!text.contains("private.key"))
        }
    }

    @Test func serviceWithoutContainerSettingsIsTheInnerBuildersAlone() async throws {
        try await DockerFixture.run { fixture in
            fixture.service.runtime = .process
            fixture.service.docker = nil
            let release = try await fixture.prepare()
            #expect(release.image == nil)
            #expect(!fixture.log.text.contains("docker build"))
        }
    }
}
