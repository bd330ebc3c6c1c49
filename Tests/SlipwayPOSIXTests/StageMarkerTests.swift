import Foundation
import Glibc
import SlipwayPOSIX
import Testing

/// Finding, by the mark in their environment, the stage commands a dead daemon left running.
@Suite struct StageMarkerTests {
    static func spawnSleep(_ environment: [String: String]) throws -> pid_t {
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        return try ChildSpawn.spawn(ChildSpawn.Plan(executable: "/bin/sleep", arguments: ["30"],
                                                    environment: environment, directory: "/", stdout: devNull, stderr: devNull))
    }

    @Test func findsExactlyTheProcessesMarkedWithThisStateDirectory() throws {
        let state = "/tmp/slipway-marker-\(UUID())/.slipway"
        let marked = try Self.spawnSleep(["PATH": "/usr/bin:/bin", StageMarker.variable: state])
        let other = try Self.spawnSleep([StageMarker.variable: state + "-other"])
        let unmarked = try Self.spawnSleep(["PATH": "/usr/bin:/bin"])
        defer {
            for pid in [marked, other, unmarked] { _ = kill(pid, SIGKILL); var status: Int32 = 0; _ = waitpid(pid, &status, 0) }
        }
        #expect(StageMarker.marked(state) == [marked])
        #expect(StageMarker.commandLine(of: marked) == "/bin/sleep 30")
        StageMarker.kill([marked])
        var status: Int32 = 0
        #expect(waitpid(marked, &status, 0) == marked)
        #expect(status & 0x7f == SIGKILL)
    }

    @Test func anEntryMatchesOnlyWhole() {
        let entry = Array("SLIPWAY_STAGE_OF=/a".utf8) + [0]
        #expect(StageMarker.contains(Array("A=1\u{0}SLIPWAY_STAGE_OF=/a\u{0}".utf8), entry: entry))
        #expect(StageMarker.contains(Array("SLIPWAY_STAGE_OF=/a".utf8), entry: entry), "the last entry may lack its NUL")
        #expect(!StageMarker.contains(Array("SLIPWAY_STAGE_OF=/ab\u{0}".utf8), entry: entry))
        #expect(!StageMarker.contains(Array("XSLIPWAY_STAGE_OF=/a\u{0}".utf8), entry: entry))
    }
}
