import Foundation
import SlipwayModel
import Testing
@testable import SlipwayGit

/// The post-receive hook: what git's input asks of the hooked branch, and the hook file in a real
/// repository.
@Suite struct HookTests {
    static let a = String(repeating: "a", count: 40)
    static let b = String(repeating: "b", count: 40)
    static let zero = String(repeating: "0", count: 40)

    @Test func updatesOfTheBranchAreDeployedOthersIgnored() throws {
        let input = """
            \(Self.a) \(Self.b) refs/heads/main
            \(Self.a) \(Self.b) refs/heads/feature
            \(Self.zero) \(Self.b) refs/tags/v2
            \(Self.a) \(Self.zero) refs/heads/old

            """
        let (updates, ignored) = try PushedRange.parse(input, branch: "main")
        #expect(updates == [PushedRange(from: Self.a, to: Self.b, ref: "refs/heads/main")])
        #expect(ignored == ["refs/heads/feature", "refs/tags/v2", "refs/heads/old (deleted)"])
    }

    @Test func aCreatedBranchDeploysFromEachServicesLastDeployAndADeletedOneNothing() throws {
        #expect(try PushedRange.parse("\(Self.zero) \(Self.b) refs/heads/main\n", branch: "main").updates
            == [PushedRange(from: nil, to: Self.b, ref: "refs/heads/main")])
        let deleted = try PushedRange.parse("\(Self.a) \(Self.zero) refs/heads/main\n", branch: "main")
        #expect(deleted.updates.isEmpty)
        #expect(deleted.ignored == ["refs/heads/main (deleted)"])
        // SHA-256 repositories: 64 digits.
        let long = String(repeating: "c", count: 64)
        #expect(try PushedRange.parse("\(long) \(long) refs/heads/main", branch: "main").updates.count == 1)
    }

    @Test(arguments: ["main", "\(a) \(b)", "\(a) xyz refs/heads/main", "\(a) \(b) refs/heads/main extra"])
    func malformedInputIsAnErrorNamingTheLine(_ line: String) throws {
        let error = try #require(throws: SlipwayError.self) { try PushedRange.parse("\n" + line + "\n", branch: "main") }
        #expect(error.code == .badRequest)
        #expect(error.message.contains("line 1"))
    }

    @Test func installWritesAnExecutableHookAndAcceptsPushesToTheCheckedOutBranch() async throws {
        try await withGitFixture { fixture in
            try "x\n".write(toFile: fixture.repository + "/file", atomically: true, encoding: .utf8)
            try fixture.commit("first")
            let installed = try await PostReceiveHook.install(in: fixture.repository, branch: nil, executable: "/opt/slip way/slipway",
                                                              configFile: fixture.repository + "/slipway.yml")
            #expect(installed.path == fixture.repository + "/.git/hooks/post-receive")
            #expect(installed.branch == "main")
            #expect(installed.acceptsPushesToCheckout)
            #expect(!installed.replacedOwn)
            let script = try String(contentsOfFile: installed.path, encoding: .utf8)
            #expect(script.hasPrefix("#!/bin/sh\n"))
            #expect(script.contains("exec '/opt/slip way/slipway' hook post-receive --branch 'main' --config '\(fixture.repository)/slipway.yml'"))
            let mode = try FileManager.default.attributesOfItem(atPath: installed.path)[.posixPermissions] as? Int
            #expect(mode == 0o755)
            #expect(try fixture.git("config", "--get", "receive.denyCurrentBranch") == "updateInstead")

            // Installing again replaces Slipway's own hook and changes nothing else.
            let again = try await PostReceiveHook.install(in: fixture.repository, branch: "release", executable: "/usr/bin/slipway",
                                                          configFile: fixture.repository + "/slipway.yml")
            #expect(again.replacedOwn)
            #expect(!again.acceptsPushesToCheckout, "release is not the branch checked out")
            #expect(try String(contentsOfFile: again.path, encoding: .utf8).contains("--branch 'release'"))
        }
    }

    @Test func anotherHookIsNeverOverwrittenWithoutForce() async throws {
        try await withGitFixture { fixture in
            let path = fixture.repository + "/.git/hooks/post-receive"
            try "#!/bin/sh\necho mine\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = try await #require(throws: SlipwayError.self) {
                try await PostReceiveHook.install(in: fixture.repository, branch: "main", executable: "/usr/bin/slipway",
                                                  configFile: fixture.repository + "/slipway.yml")
            }
            #expect(error.code == .badRequest)
            #expect(error.message.contains("is not Slipway's"))
            #expect(error.message.contains("exec '/usr/bin/slipway' hook post-receive --branch 'main'"))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "#!/bin/sh\necho mine\n")

            let forced = try await PostReceiveHook.install(in: fixture.repository, branch: "main", executable: "/usr/bin/slipway",
                                                           configFile: fixture.repository + "/slipway.yml", force: true)
            #expect(try String(contentsOfFile: forced.path, encoding: .utf8).contains("hook post-receive"))
        }
    }

    @Test func theHooksPathGitUsesIsHonoured() async throws {
        try await withGitFixture { fixture in
            try fixture.git("config", "core.hooksPath", "githooks")
            let installed = try await PostReceiveHook.install(in: fixture.repository, branch: "main", executable: "/usr/bin/slipway",
                                                              configFile: fixture.repository + "/slipway.yml")
            #expect(installed.path == fixture.repository + "/githooks/post-receive")
            #expect(FileManager.default.fileExists(atPath: installed.path))
        }
    }

    @Test func aDetachedHeadOrABadBranchNameIsRefused() async throws {
        try await withGitFixture { fixture in
            try "x\n".write(toFile: fixture.repository + "/file", atomically: true, encoding: .utf8)
            let commit = try fixture.commit("first")
            try fixture.git("checkout", "-q", "--detach", commit)
            let detached = try await #require(throws: SlipwayError.self) {
                try await PostReceiveHook.install(in: fixture.repository, branch: nil, executable: "/usr/bin/slipway",
                                                  configFile: fixture.repository + "/slipway.yml")
            }
            #expect(detached.message.contains("HEAD is detached"))
            let bad = try await #require(throws: SlipwayError.self) {
                try await PostReceiveHook.install(in: fixture.repository, branch: "no..dots", executable: "/usr/bin/slipway",
                                                  configFile: fixture.repository + "/slipway.yml")
            }
            #expect(bad.message.contains("`no..dots` is not a valid branch name"))
            let outside = try await #require(throws: SlipwayError.self) {
                try await PostReceiveHook.install(in: "/", branch: "main", executable: "/usr/bin/slipway", configFile: "/slipway.yml")
            }
            #expect(outside.message.contains("cannot find the hooks directory in /"))
        }
    }
}
