import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Exits the runtime reports from the engine's event stream while `run()` follows it.
@Suite(.needsDocker, .serialized) struct ExitTests {
    @Test func killedContainerIsReportedAsACrash() async throws {
        try await DockerFixture.run { fixture in
            let runtime = fixture.runtime
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                let (_, instance) = try await fixture.deploy()
                let id = try #require(instance.containerID)
                try await fixture.engine.killContainer(id, signal: "KILL")
                let exit = try #require(await nextElement(of: runtime.exits))
                #expect(exit.instance == instance)
                #expect(!exit.requested)
                #expect(exit.signal == 9)
                #expect(!(await runtime.isAlive(instance)))
                group.cancelAll()
            }
        }
    }

    @Test func containerEndingByItselfIsReportedWithItsStatus() async throws {
        try await DockerFixture.run(run: "sh -c 'sleep 1; exit 3'") { fixture in
            let runtime = fixture.runtime
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                let (_, instance) = try await fixture.deploy()
                let exit = try #require(await nextElement(of: runtime.exits))
                #expect(exit.instance == instance)
                #expect(exit.status == 3)
                #expect(!exit.requested)
                group.cancelAll()
            }
        }
    }

    @Test func exitWhileTheStreamWasDownIsReportedOnConnecting() async throws {
        try await DockerFixture.run { fixture in
            let runtime = fixture.runtime
            let (_, instance) = try await fixture.deploy()
            try await fixture.engine.killContainer(try #require(instance.containerID), signal: "KILL")
            #expect(await eventually { !(await runtime.isAlive(instance)) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                let exit = try #require(await nextElement(of: runtime.exits))
                #expect(exit.instance == instance)
                #expect(exit.signal == 9)
                group.cancelAll()
            }
        }
    }
}
