import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `DockerReleaseBuilder.remove`, which the controller calls for releases beyond `retain`.
@Suite(.needsDocker, .serialized) struct PruneTests {
    @Test func removingAReleaseRemovesItsImageAndKeepsTheOthers() async throws {
        try await DockerFixture.run { fixture in
            let old = try await fixture.prepare("v1")
            try fixture.project.setVersion("v2")
            let kept = try await fixture.prepare("v2")
            let oldImage = try #require(old.image)
            let keptImage = try #require(kept.image)
            #expect(oldImage != keptImage)

            try await fixture.builder.remove(old)
            #expect(try await fixture.engine.inspectImage(oldImage) == nil)
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):v1") == nil)
            #expect(try await fixture.engine.inspectImage(keptImage)?.id == keptImage)
            #expect(fixture.inner.removed == [old.id])
            #expect(!FileManager.default.fileExists(atPath: old.directory))
        }
    }

    @Test func removingAReleaseRemovesItsDeadContainers() async throws {
        try await DockerFixture.run { fixture in
            let (release, instance) = try await fixture.deploy()
            try await fixture.engine.killContainer(try #require(instance.containerID), signal: "KILL")
            #expect(await eventually { !(await fixture.runtime.isAlive(instance)) })
            #expect(try await fixture.containers().count == 1)

            try await fixture.builder.remove(release)
            #expect(try await fixture.containers().isEmpty)
            #expect(try await fixture.engine.inspectImage(try #require(release.image)) == nil)
        }
    }

    @Test func imageOfARunningContainerIsKept() async throws {
        try await DockerFixture.run { fixture in
            let (release, instance) = try await fixture.deploy()
            try await fixture.builder.remove(release)
            #expect(await fixture.runtime.isAlive(instance))
            #expect(try await fixture.engine.inspectImage(try #require(release.image)) != nil)
        }
    }

    @Test func rebuildOfTheSameVersionKeepsTheImageOfTheOtherRelease() async throws {
        try await DockerFixture.run { fixture in
            let first = try await fixture.prepare("v1")
            let second = try await fixture.prepare("v1")
            #expect(first.image == second.image)
            try await fixture.builder.remove(first)
            #expect(try await fixture.engine.inspectImage(try #require(second.image)) != nil)
            #expect(try await fixture.engine.inspectImage("slipway/\(fixture.service.name):\(second.id)") != nil)
        }
    }

    @Test func crashLoopKeepsOnlyTheLastDeadContainer() async throws {
        try await DockerFixture.run { fixture in
            let release = try await fixture.prepare()
            for _ in 0..<3 {
                let instance = try await fixture.runtime.start(release, service: fixture.service)
                try await fixture.engine.killContainer(try #require(instance.containerID), signal: "KILL")
                #expect(await eventually { !(await fixture.runtime.isAlive(instance)) })
            }
            let restarted = try await fixture.runtime.start(release, service: fixture.service)
            let containers = try await fixture.containers()
            #expect(containers.count == 2)
            #expect(containers.contains { $0.id == restarted.containerID })
        }
    }
}
