import Glibc
import SlipwayCore
import SlipwayModel
import Testing
@testable import SlipwayProcessRuntime

/// A second runtime stands for the daemon after a restart: the first one's instances are not its
/// children, so it can only find them by pid and start token.
@Suite("Re-adopting instances after a daemon restart")
struct AdoptionTests {
    @Test func aRestartedDaemonSeesTheInstanceAliveAndReportsItsDeath() async throws {
        try await RuntimeHarness.run { first in
            let instance = try await first.start("sleep 600")
            try await RuntimeHarness.run { restarted in
                #expect(await restarted.runtime.isAlive(instance))
                await restarted.runtime.adopt(instance)

                kill(-instance.pid, SIGKILL)

                let exit = try await restarted.exits.waitForExit(of: instance)
                #expect(!exit.requested)
                #expect(exit.status == nil)
                #expect(exit.signal == nil)
                #expect(!(await restarted.runtime.isAlive(instance)))
            }
            // Its parent reaps it and knows how it died.
            let parentSaw = try await first.exits.waitForExit(of: instance)
            #expect(parentSaw.signal == SIGKILL)
        }
    }

    @Test func aRestartedDaemonCanStopAnAdoptedInstance() async throws {
        try await RuntimeHarness.run { first in
            let instance = try await first.start("sleep 600")
            try await RuntimeHarness.run { restarted in
                await restarted.runtime.adopt(instance)
                await restarted.runtime.stop(instance, timeout: .seconds(5))

                #expect(!(await restarted.runtime.isAlive(instance)))
                let exit = try await restarted.exits.waitForExit(of: instance)
                #expect(exit.requested)
            }
            let parentSaw = try await first.exits.waitForExit(of: instance)
            #expect(parentSaw.signal == SIGTERM)
        }
    }

    @Test func stopOfAnUnadoptedLiveInstanceStillStopsIt() async throws {
        try await RuntimeHarness.run { first in
            let instance = try await first.start("sleep 600")
            try await RuntimeHarness.run { restarted in
                await restarted.runtime.stop(instance, timeout: .seconds(5))
                #expect(!(await restarted.runtime.isAlive(instance)))
            }
        }
    }

    @Test func aDifferentStartTokenIsNotAlive() async throws {
        try await RuntimeHarness.run { harness in
            let instance = try await harness.start("sleep 600")
            var recycled = instance
            recycled.startToken += 1

            #expect(await harness.runtime.isAlive(instance))
            #expect(!(await harness.runtime.isAlive(recycled)))
        }
    }

    @Test func aPidWithNoProcessIsNotAlive() async throws {
        try await RuntimeHarness.run { harness in
            let ghost = Instance(service: "web", releaseID: "r", pid: Int32.max - 1, port: 1, startToken: 1, logFile: "/nonexistent")
            #expect(!(await harness.runtime.isAlive(ghost)))

            await harness.runtime.adopt(ghost)
            let exit = try await harness.exits.waitForExit(of: ghost)
            #expect(!exit.requested)
        }
    }
}
