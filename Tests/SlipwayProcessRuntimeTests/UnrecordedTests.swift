import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProcessRuntime

/// After a crash between starting an instance and recording it, the restarted daemon's runtime
/// finds the instance by its log file (stdout under the runtime's log directory) so recovery can stop it.
@Suite("Finding instances no record names")
struct UnrecordedTests {
    @Test func aRestartedRuntimeFindsItsUnrecordedInstancesAndOnlyThose() async throws {
        try await RuntimeHarness.run { first in
            let recorded = try await first.start("sleep 600", releaseID: "20260101000000-aaaaaaaa")
            let lost = try await first.start("sleep 600", releaseID: "20260101000000-bbbbbbbb")
            // A process of the same user that is not Slipway's: its output goes elsewhere.
            let other = try await first.start("sleep 600 > /dev/null 2>&1", releaseID: "20260101000000-cccccccc")
            // `start` returns once the shell is spawned, writing to its log: until the shell has
            // applied the redirection it *is* one of ours, so wait for it to have.
            try await waitUntil("the other process's output to go to /dev/null") {
                ProcessRuntime.outputFile(of: other.pid) == "/dev/null"
            }

            let restarted = ProcessRuntime(logDirectory: first.workspace.logDirectory, logger: .quiet, relay: RuntimeHarness.relay)
            let found = await restarted.unrecorded(excluding: [recorded])
            #expect(found.map(\.pid) == [lost.pid])
            let stray = try #require(found.first)
            #expect(stray.service == "web")
            #expect(stray.releaseID == "20260101000000-bbbbbbbb")
            #expect(stray.port == lost.port)
            #expect(stray.startToken == lost.startToken)
            #expect(stray.logFile == lost.logFile)
            #expect(!found.contains { $0.pid == other.pid })

            // What recovery does with it.
            await restarted.stop(stray, timeout: .seconds(5))
            #expect(!(await restarted.isAlive(lost)))
            #expect(await restarted.isAlive(recorded))
        }
    }

    @Test func theRuntimeThatWatchesAnInstanceDoesNotCallItUnrecorded() async throws {
        try await RuntimeHarness.run { harness in
            _ = try await harness.start("sleep 600")
            #expect(await harness.runtime.unrecorded(excluding: []).isEmpty)
        }
    }
}
