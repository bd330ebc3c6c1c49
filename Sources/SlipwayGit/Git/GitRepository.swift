import SlipwayModel

/// The git plumbing a release needs, run in the repository that holds `slipway.yml`.
struct GitRepository: Sendable {
    let path: String
    let environment: [String: String]
    /// For each git command; `archive` of a large tree is the slowest of them.
    let timeout: Duration

    /// The full commit `ref` names, or nil when it names none.
    func resolveCommit(_ ref: String) async throws -> String? {
        // A ref that looks like an option would be taken as one.
        guard !ref.isEmpty, !ref.hasPrefix("-"), !ref.contains("\0"), !ref.contains("\n") else { return nil }
        let outcome = try await git(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"])
        if outcome.termination == .exited(1), !outcome.timedOut { return nil }
        // git exits 128 both for a name it refuses outright (`HEAD@{99}` past the reflog's end,
        // `@{u}` without an upstream) and for a repository it cannot read: when the repository
        // answers, the name is what is wrong.
        if outcome.termination == .exited(128), !outcome.timedOut, await isReadable() { return nil }
        try check(outcome, "rev-parse")
        let commit = outcome.outputText.trimmingTrailingNewlines
        return commit.isEmpty ? nil : commit
    }

    /// Whether git finds and reads the repository at all.
    private func isReadable() async -> Bool {
        (try? await git(["rev-parse", "--git-dir"]))?.succeeded ?? false
    }

    /// Whether `name` is a tag (`refs/tags/NAME`) of the repository.
    func isTag(_ name: String) async throws -> Bool {
        guard !name.isEmpty, !name.hasPrefix("-"), !name.contains("\0"), !name.contains("\n") else { return false }
        let outcome = try await git(["show-ref", "--verify", "--quiet", "refs/tags/\(name)"])
        if outcome.termination == .exited(1), !outcome.timedOut { return false }
        try check(outcome, "show-ref")
        return true
    }

    /// The tags on exactly this commit, highest version first.
    func tags(pointingAt commit: String) async throws -> [String] {
        let outcome = try await git(["tag", "--points-at", commit, "--sort=-version:refname"])
        try check(outcome, "tag --points-at")
        return outcome.outputText.split(separator: "\n").map(String.init)
    }

    /// Whether the work tree differs from HEAD (untracked files included). False when it cannot
    /// tell, as in a bare repository: this only feeds a warning. Without optional locks, so the
    /// user's own git commands never meet our `index.lock`. Slipway's own state directory
    /// (`.slipway/`, untracked unless the user ignores it) is not a change.
    func hasUncommittedChanges() async -> Bool {
        guard let outcome = try? await git(["--no-optional-locks", "status", "--porcelain", "--", ".", ":(exclude).slipway"]),
              outcome.succeeded else { return false }
        return !outcome.output.isEmpty
    }

    /// Paths changed between two commits; a rename counts as its old and its new path (so a move out
    /// of a service's directory deploys it too).
    func changedFiles(from: String, to: String) async throws -> [String] {
        let outcome = try await git(["diff", "--name-only", "--no-renames", "-z", from, to, "--"])
        try check(outcome, "diff")
        return outcome.output.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `git log --format=%s`: the subjects of `from..to` (or all of `to`), newest first, limited to
    /// commits touching `paths` (globs, as `paths:` writes them) when any are given.
    func commitSubjects(from: String?, to: String, paths: [String], limit: Int) async throws -> [String] {
        for commit in [from, to].compactMap({ $0 }) where commit.isEmpty || commit.hasPrefix("-") || commit.contains("\0") {
            throw SlipwayError(.badRequest, "not a commit: \(commit)")
        }
        let range = from.map { "\($0)..\(to)" } ?? to
        var arguments = ["log", "--format=%s", "--max-count=\(limit)", range, "--"]
        arguments += paths.map { ":(glob)" + ($0.hasPrefix("/") ? String($0.dropFirst()) : ($0.contains("/") ? $0 : "**/" + $0)) }
        let outcome = try await git(arguments)
        try check(outcome, "log")
        return outcome.outputText.split(separator: "\n").map(String.init)
    }

    /// Writes the commit's tree as a tar file: the commit, never the work tree.
    func archive(_ commit: String, to file: String) async throws {
        let outcome = try await git(["archive", "--format=tar", "--output=\(file)", commit])
        try check(outcome, "archive")
    }

    func git(_ arguments: [String]) async throws -> Command.Outcome {
        let command = Command(executable: "git", arguments: arguments, environment: environment,
                              directory: path, timeout: timeout)
        do {
            return try await command.run()
        } catch let error as CommandError {
            throw SlipwayError(.buildFailed, "cannot run git in \(path): \(error)")
        }
    }

    private func check(_ outcome: Command.Outcome, _ what: String) throws {
        guard !outcome.succeeded else { return }
        var message = "git \(what) in \(path) \(outcome.summary(timeout: timeout))"
        if !outcome.errorText.isEmpty { message += ": \(outcome.errorText)" }
        throw SlipwayError(.buildFailed, message)
    }

    /// The daemon's environment without what would point git at another repository (set when the
    /// daemon runs from a git hook), and never prompting for anything.
    static func environment(from base: [String: String]) -> [String: String] {
        var environment = base
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX"] {
            environment[key] = nil
        }
        environment["GIT_TERMINAL_PROMPT"] = "0"
        return environment
    }
}
