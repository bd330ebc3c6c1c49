import Foundation
import SlipwayModel

/// The git `post-receive` hook that makes a push deploy what it changed: it runs
/// `slipway hook post-receive`, which asks the daemon for a `deploy --changed` run over each pushed
/// range of the hooked branch, and the pusher sees the deployment's progress as `remote:` lines.
package enum PostReceiveHook {
    package struct Installed: Sendable, Equatable {
        /// The hook file written.
        package var path: String
        package var branch: String
        /// An earlier Slipway hook was there and was replaced.
        package var replacedOwn: Bool
        /// `receive.denyCurrentBranch` was set to `updateInstead`: the hooked branch is the one checked
        /// out here, and git refuses pushes to it otherwise.
        package var acceptsPushesToCheckout: Bool
    }

    /// What marks a hook file as Slipway's (its `exec` line).
    static let marker = " hook post-receive "

    /// Writes `<hooks>/post-receive` (git's hooks directory, `core.hooksPath` honoured) in the
    /// repository at `root`, running `executable`. `branch` nil: the branch checked out there.
    /// A hook that is not Slipway's is never overwritten unless `force`.
    ///
    /// - Throws: `SlipwayError(.badRequest)` when `root` is not in a git repository, the branch can't
    ///   be told or is not a valid name, or another hook is in the way.
    package static func install(in root: String, branch: String?, executable: String, configFile: String,
                               force: Bool = false,
                               environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Installed {
        let git = HookGit(root: root, environment: GitRepository.environment(from: environment))
        let hooks = try await git.output(["rev-parse", "--git-path", "hooks"], what: "find the hooks directory")
        let bare = try await git.output(["rev-parse", "--is-bare-repository"], what: "inspect the repository") == "true"
        let checkedOut = try? await git.output(["symbolic-ref", "--quiet", "--short", "HEAD"], what: "")
        guard let branch = branch ?? checkedOut else {
            throw SlipwayError(.badRequest, "HEAD is detached in \(root): name the branch whose pushes deploy with --branch")
        }
        guard (try? await git.output(["check-ref-format", "--branch", branch], what: "")) != nil, !branch.hasPrefix("-") else {
            throw SlipwayError(.badRequest, "`\(branch)` is not a valid branch name")
        }
        let directory = hooks.hasPrefix("/") ? hooks : root + "/" + hooks
        let path = (directory as NSString).standardizingPath + "/post-receive"
        var replacedOwn = false
        if let existing = FileManager.default.contents(atPath: path) {
            replacedOwn = String(decoding: existing, as: UTF8.self).contains(marker)
            if !replacedOwn && !force {
                throw SlipwayError(.badRequest, "\(path) exists and is not Slipway's: add the line `\(command(executable, branch, configFile))` "
                    + "to it yourself, or pass --force to replace it")
            }
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = path + ".slipway-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(script(executable, branch, configFile).utf8),
                                             attributes: [.posixPermissions: 0o755]) else {
            throw SlipwayError(.badRequest, "cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw SlipwayError(.badRequest, "cannot install \(path): \(reason)")
        }
        var accepts = false
        if !bare, checkedOut == branch,
           (try? await git.output(["config", "--get", "receive.denyCurrentBranch"], what: "")) != "updateInstead" {
            _ = try await git.output(["config", "receive.denyCurrentBranch", "updateInstead"], what: "accept pushes to \(branch)")
            accepts = true
        }
        return Installed(path: path, branch: branch, replacedOwn: replacedOwn, acceptsPushesToCheckout: accepts)
    }

    /// Whether the pushed range changed the configuration file (`configFile`, inside the repository at
    /// `root`): the daemon deploys with the configuration it loaded, so the pusher must be told.
    /// False when it can't tell (a created branch, a file outside the repository).
    package static func configurationChanged(in root: String, range: PushedRange, configFile: String,
                                            environment: [String: String] = ProcessInfo.processInfo.environment) async -> Bool {
        guard let from = range.from, configFile.hasPrefix(root + "/") else { return false }
        let path = String(configFile.dropFirst(root.count + 1))
        let git = HookGit(root: root, environment: GitRepository.environment(from: environment))
        guard let changed = try? await git.output(["diff", "--name-only", from, range.to, "--", path], what: "") else { return false }
        return !changed.isEmpty
    }

    static func command(_ executable: String, _ branch: String, _ configFile: String) -> String {
        "exec \(quoted(executable)) hook post-receive --branch \(quoted(branch)) --config \(quoted(configFile))"
    }

    static func script(_ executable: String, _ branch: String, _ configFile: String) -> String {
        """
        #!/bin/sh
        # Written by `slipway hook install`. A push to \(branch) deploys the services whose paths it
        # changed, as `slipway deploy --changed --from OLD --to NEW` would; the push waits for the
        # deployment and shows its progress. `slipway hook install --force` rewrites this file;
        # deleting it stops deploys on push.
        \(command(executable, branch, configFile))

        """
    }

    /// Single-quoted for sh.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// git run in the repository the hook goes into.
private struct HookGit {
    let root: String
    let environment: [String: String]

    func output(_ arguments: [String], what: String) async throws -> String {
        let command = Command(executable: "git", arguments: arguments, environment: environment, directory: root,
                              timeout: .seconds(30))
        let outcome: Command.Outcome
        do {
            outcome = try await command.run()
        } catch {
            throw SlipwayError(.badRequest, "cannot run git in \(root): \(error)")
        }
        guard outcome.succeeded else {
            let detail = outcome.errorText.isEmpty ? outcome.summary(timeout: .seconds(30)) : outcome.errorText
            throw SlipwayError(.badRequest, "cannot \(what) in \(root): \(detail)")
        }
        return outcome.outputText.trimmingTrailingNewlines
    }
}
