import Foundation
import Glibc
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayGit

@Suite("Building releases")
struct BuildTests {
    @Test func theBuildRunsInTheReleaseDirectoryAndItsOutputReachesTheLog() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", """
                #!/bin/sh
                echo "building $SLIPWAY_SERVICE $SLIPWAY_VERSION $SLIPWAY_RELEASE mode=$BUILD_MODE"
                echo "to stderr" >&2
                printf 'no trailing newline'
                echo "$SLIPWAY_COMMIT" > built.txt
                """, executable: true)
            let commit = try fixture.commit("first")
            try fixture.git("tag", "v3")
            let log = CollectedLog()

            let release = try await fixture.builder().prepare(
                service: fixture.service(build: "./build.sh", env: ["BUILD_MODE": "release"]), ref: "v3", log: log.sink)

            #expect(log.lines.contains("$ ./build.sh"))
            #expect(log.lines.contains("building web v3 \(release.id) mode=release"))
            #expect(log.lines.contains("to stderr"))
            #expect(log.lines.contains("no trailing newline"))
            #expect(try String(contentsOfFile: release.directory + "/built.txt", encoding: .utf8) == commit + "\n")
            #expect(release.buildSeconds > 0)
            #expect(fixture.releaseEntries() == [release.id])
        }
    }

    @Test func aFailingBuildThrowsBuildFailedWithItsLastLinesAndLeavesNothing() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", """
                #!/bin/sh
                for i in $(seq 1 30); do echo "step $i"; done
                exit 1
                """, executable: true)
            try fixture.commit("first")
            try fixture.git("tag", "v1")

            let error = await #expect(throws: SlipwayError.self) {
                try await fixture.builder().prepare(service: fixture.service(build: "./build.sh"), ref: "v1", log: { _ in })
            }
            #expect(error?.code == .buildFailed)
            let message = try #require(error?.message)
            #expect(message.hasPrefix("build of web at v1 failed: ./build.sh exited with status 1\n"))
            #expect(message.hasSuffix("step 29\nstep 30"))
            #expect(message.contains("step 11\n"))
            #expect(!message.contains("step 10\n"))
            #expect(fixture.releaseEntries().isEmpty)
        }
    }

    @Test func aBuildPastItsTimeoutIsKilledWithEverythingItStarted() async throws {
        try await withGitFixture { fixture in
            let pidFile = fixture.root + "/background.pid"
            try fixture.write("build.sh", """
                #!/bin/sh
                sleep 600 &
                echo $! > "\(pidFile)"
                echo "started"
                wait
                """, executable: true)
            try fixture.commit("first")

            let began = ContinuousClock.now
            let error = await #expect(throws: SlipwayError.self) {
                try await fixture.builder().prepare(
                    service: fixture.service(build: "./build.sh", buildTimeout: .milliseconds(500)), ref: "HEAD", log: { _ in })
            }
            #expect(ContinuousClock.now - began < .seconds(10))
            #expect(error?.code == .buildFailed)
            #expect(error?.message.contains("./build.sh timed out after 500ms and was killed") == true)
            #expect(error?.message.contains("started") == true)
            #expect(fixture.releaseEntries().isEmpty)

            let background = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            try await waitUntilSleepIsGone(background)
        }
    }

    @Test func aBuildThatLeavesABackgroundProcessDoesNotHang() async throws {
        try await withGitFixture { fixture in
            let pidFile = fixture.root + "/background.pid"
            // The background sleep keeps the output pipe open after the build itself exits.
            try fixture.write("build.sh", """
                #!/bin/sh
                sleep 600 &
                echo $! > "\(pidFile)"
                echo "done"
                """, executable: true)
            try fixture.commit("first")

            let began = ContinuousClock.now
            let release = try await fixture.builder().prepare(service: fixture.service(build: "./build.sh"), ref: "HEAD", log: { _ in })
            #expect(ContinuousClock.now - began < .seconds(10))
            #expect(fixture.releaseEntries() == [release.id])

            let background = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            try await waitUntilSleepIsGone(background)
        }
    }
}
