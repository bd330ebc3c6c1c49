import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `DockerRuntime.stop`: the stop signal, SIGKILL after the timeout, then the container removed.
@Suite(.needsDocker, .serialized) struct StopTests {
    @Test func containerIgnoringTermIsKilledAfterTheTimeout() async throws {
        // `httpd` as the container's PID 1 has no handler for SIGTERM, so the kernel ignores it.
        try await DockerFixture.run { fixture in
            let (_, instance) = try await fixture.deploy()
            let started = ContinuousClock.now
            await fixture.runtime.stop(instance, timeout: .seconds(1))
            let took = ContinuousClock.now - started
            #expect(took >= .seconds(1) && took < .seconds(15))
            let exit = try #require(await nextElement(of: fixture.runtime.exits))
            #expect(exit.instance.containerID == instance.containerID)
            #expect(exit.requested)
            #expect(exit.signal == 9)
            #expect(try await fixture.containers().isEmpty)
        }
    }

    @Test func containerHandlingTermStopsWithoutWaitingForTheTimeout() async throws {
        try await DockerFixture.run(run: #"sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done'"#) { fixture in
            let (_, instance) = try await fixture.deploy()
            let started = ContinuousClock.now
            await fixture.runtime.stop(instance, timeout: .seconds(20))
            #expect(ContinuousClock.now - started < .seconds(10))
            let exit = try #require(await nextElement(of: fixture.runtime.exits))
            #expect(exit.requested)
            #expect(exit.status == 0)
            #expect(try await fixture.containers().isEmpty)
        }
    }

    @Test func stoppingAGoneContainerIsNotAnError() async throws {
        try await DockerFixture.run { fixture in
            let (_, instance) = try await fixture.deploy()
            await fixture.runtime.stop(instance, timeout: .seconds(1))
            _ = await nextElement(of: fixture.runtime.exits)
            await fixture.runtime.stop(instance, timeout: .seconds(1))
            #expect(try await fixture.containers().isEmpty)
        }
    }
}
