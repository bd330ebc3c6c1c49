import Foundation
import SlipwayModel
import SlipwayTestSupport
@testable import SlipwayGit

/// A real git repository and a releases directory in a temporary directory, removed at the end.
/// Its git commands run through Foundation's `Process`, independent of the code under test.
struct GitFixture: Sendable {
    let directory: TemporaryDirectory
    /// A fixed clock, so release ids are known in advance.
    static let date = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        directory = try TemporaryDirectory(prefix: "slipway-git")
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    var root: String { directory.path }
    var repository: String { root + "/repo" }
    var releases: String { root + "/releases" }

    func builder(releasesDirectory: String? = nil) -> GitReleaseBuilder {
        GitReleaseBuilder(repository: repository, releasesDirectory: releasesDirectory ?? releases,
                          logger: .quiet,
                          now: { GitFixture.date })
    }

    func service(build: String? = nil, env: [String: String] = [:], buildTimeout: Duration = .seconds(60)) -> ServiceConfig {
        ServiceConfig(name: "web", run: "python3 app.py", build: build, env: env, buildTimeout: buildTimeout)
    }

    func write(_ path: String, _ contents: String, executable: Bool = false) throws {
        let full = repository + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full) }
    }

    /// Commits everything in the work tree; returns the full commit hash.
    @discardableResult
    func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// What is in the releases directory of the service, hidden entries included.
    func releaseEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: releases + "/web")) ?? []).sorted()
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let result = try ChildProgram.run("git", ["-C", repository, "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments)
        guard result.status == 0 else {
            throw FixtureError(description: "git \(arguments.joined(separator: " ")) exited with \(result.status)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() {
        directory.remove()
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Runs `body` with a fresh fixture and removes it afterwards.
func withGitFixture(_ body: (GitFixture) async throws -> Void) async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try await body(fixture)
}
