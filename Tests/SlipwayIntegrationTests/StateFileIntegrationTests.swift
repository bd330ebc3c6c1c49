import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// Issue 13: a daemon refuses to start on a state database it cannot write, clearly, before it
/// starts or stops anything. Root writes through file modes, so the file is made immutable
/// (`chattr +i`, ext4), which refuses even root.
@Suite(.serialized) struct StateFileIntegrationTests {
    func chattr(_ flag: String, _ path: String) async throws {
        let result = try await runProgram("/usr/bin/chattr", [flag, path], in: "/")
        try #require(result.status == 0, "chattr \(flag) \(path) is needed for this test: \(result.stderr)")
    }

    /// `chattr -i`, quietly: for a cleanup that must not record an issue of its own.
    static func clearImmutable(_ path: String) {
        _ = try? ChildProgram.run("/usr/bin/chattr", ["-i", path])
    }

    @Test func aStateDatabaseItCannotWriteIsRefusedAtStartAndWhatRunsKeepsServing() async throws {
        try await withV1Deployed { repository, cli, first in
            let release = try #require(try await cli.status().services.first?.pid)
            first.kill9()

            let database = repository.root + "/.slipway/state.db"
            try await chattr("+i", database)
            // Writable again however the test ends, and before withV1Deployed removes the repository:
            // a Task here raced that removal and, losing it, recorded chattr's "No such file".
            defer { Self.clearImmutable(database) }
            let refused = try await runProgram(Binaries.slipway, ["serve", "--config", repository.configFile], in: repository.root)
            try await chattr("-i", database)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("cannot open the state database \(database) for writing"), "\(refused.stderr)")
            // Nothing was stopped: the release and the proxy the killed daemon left serve on.
            #expect(kill(release, 0) == 0)
            #expect(try await LoopbackHTTP.get(first.url + "/").body == "hello from v1\n")

            // With the file writable again, a daemon adopts both.
            let second = try await DaemonProcess.start(repository)
            defer { second.terminate() }
            #expect(try await cli.status().services.first?.pid == release)
        }
    }
}
