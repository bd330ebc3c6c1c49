import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `image.name`: an image built elsewhere. No registry is reachable here, so only a failed pull
/// and an image the engine already holds are exercised.
@Suite(.needsDocker, .serialized) struct PullTests {
    @Test func unreachableRegistryIsAClearBuildFailure() async throws {
        try await DockerFixture.run(image: .name("registry.invalid/slipway/absent")) { fixture in
            let error = try await #require(throws: SlipwayError.self) { try await fixture.prepare("v9") }
            #expect(error.code == .buildFailed)
            #expect(error.message.hasPrefix("cannot pull registry.invalid/slipway/absent:v9 for \(fixture.service.name)"))
            #expect(fixture.inner.removed.count == 1)
        }
    }

    @Test func imagePresentLocallyIsUsedWithoutPulling() async throws {
        try await DockerFixture.run { fixture in
            // An image "built elsewhere": built here, then tagged as the registry would name it.
            let built = try await fixture.prepare("v1")
            let repository = "registry.invalid/\(fixture.service.name)/api"
            try await fixture.engine.tagImage(try #require(built.image), repository: repository, tag: "v2")
            fixture.service.docker?.image = .name(repository)

            let release = try await fixture.prepare("v2")
            #expect(release.image == built.image)
            #expect(fixture.log.text.contains("image \(repository):v2 is present"))
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):\(release.id)")?.id == built.image)

            let instance = try await fixture.runtime.start(release, service: fixture.service)
            #expect(await eventually { await LoopbackHTTP.probe(port: instance.port, path: "/health")?.status == 200 })
            try? await fixture.engine.removeImage("\(repository):v2")
        }
    }
}
