import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// After a daemon restart (a new runtime), containers are found by their labels and taken back.
@Suite(.needsDocker, .serialized) struct AdoptionTests {
    @Test func newRuntimeFindsAndAdoptsTheRunningContainer() async throws {
        try await DockerFixture.run { fixture in
            let (release, instance) = try await fixture.deploy()
            #expect(await eventually { await LoopbackHTTP.probe(port: instance.port, path: "/health")?.status == 200 })

            let restarted = DockerRuntime(engine: fixture.engine, logger: .quiet)
            let found = try await restarted.instances(service: fixture.service.name)
            #expect(found == [instance])
            #expect(found.first?.releaseID == release.id)
            #expect(await restarted.isAlive(instance))
            #expect(try await restarted.instances(service: "other-\(fixture.service.name)").isEmpty)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await restarted.run() }
                await restarted.adopt(instance)
                try await fixture.engine.killContainer(try #require(instance.containerID), signal: "KILL")
                let exit = try #require(await nextElement(of: restarted.exits))
                #expect(exit.instance == instance)
                #expect(!exit.requested)
                group.cancelAll()
            }
        }
    }

    @Test func stoppedContainerIsNotAliveAndItsAdoptionReportsTheExit() async throws {
        try await DockerFixture.run { fixture in
            let (_, instance) = try await fixture.deploy()
            try await fixture.engine.killContainer(try #require(instance.containerID), signal: "KILL")
            #expect(await eventually { !(await fixture.runtime.isAlive(instance)) })

            let restarted = DockerRuntime(engine: fixture.engine, logger: .quiet)
            #expect(try await restarted.instances(service: fixture.service.name).isEmpty)
            await restarted.adopt(instance)
            let exit = try #require(await nextElement(of: restarted.exits))
            #expect(exit.instance == instance)
            #expect(exit.signal == 9)
        }
    }

    @Test func instanceOfAnotherReleaseIsNotAlive() async throws {
        try await DockerFixture.run { fixture in
            let (_, instance) = try await fixture.deploy()
            var other = instance
            other.releaseID = "20260101000000-00000000"
            #expect(!(await fixture.runtime.isAlive(other)))
            var unknown = instance
            unknown.containerID = String(repeating: "0", count: 64)
            #expect(!(await fixture.runtime.isAlive(unknown)))
        }
    }

    @Test func containersOfThisProjectThatNoRecordNamesAreFound() async throws {
        try await DockerFixture.run { fixture in
            let (_, instance) = try await fixture.deploy()
            // The runtime that started it watches it: not unrecorded.
            #expect(await fixture.runtime.unrecorded(excluding: []).isEmpty)

            let restarted = DockerRuntime(engine: fixture.engine, logger: .quiet, project: fixture.releases.path)
            #expect(await restarted.unrecorded(excluding: []) == [instance])
            #expect(await restarted.unrecorded(excluding: [instance]).isEmpty)
            let otherProject = DockerRuntime(engine: fixture.engine, logger: .quiet, project: "/elsewhere")
            #expect(await otherProject.unrecorded(excluding: []).isEmpty)
            let noProject = DockerRuntime(engine: fixture.engine, logger: .quiet)
            #expect(await noProject.unrecorded(excluding: []).isEmpty)
        }
    }
}
