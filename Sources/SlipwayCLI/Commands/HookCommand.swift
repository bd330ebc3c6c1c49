import ArgumentParser
import Foundation
import SlipwayConfig
import SlipwayGit
import SlipwayModel

/// Deploys on `git push`: a `post-receive` hook in the repository holding `slipway.yml` runs a
/// `deploy --changed` over each pushed range of one branch, through the daemon.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Deploy on git push: the post-receive hook that deploys the services a push changed.",
        subcommands: [Install.self, PostReceive.self])

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the post-receive hook in the repository holding slipway.yml.",
            discussion: """
                A push to the branch then deploys the services whose paths it changed, in dependency \
                order, as `slipway deploy --changed --from OLD --to NEW` would; the push waits and shows \
                the progress. When the branch is the one checked out there, pushes to it are accepted \
                (receive.denyCurrentBranch=updateInstead) and update the work tree.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The branch whose pushes deploy (default: the branch checked out).") var branch: String?
        @Flag(name: .long, help: "Replace a post-receive hook that is not Slipway's.") var force = false

        func run() async throws {
            try await withDocumentedExit {
                let configFile = try DaemonClient.configFile(global)
                let root = (configFile as NSString).deletingLastPathComponent
                let installed = try await PostReceiveHook.install(in: root, branch: branch, executable: Self.executable(),
                                                                  configFile: configFile, force: force)
                print("\(installed.replacedOwn ? "replaced" : "installed") \(installed.path): a push to \(installed.branch) "
                      + "deploys the services it changed")
                if installed.acceptsPushesToCheckout {
                    print("set receive.denyCurrentBranch=updateInstead: pushes to \(installed.branch), checked out in \(root), "
                          + "are accepted and update its work tree (a push is refused while the work tree has changes)")
                }
                return .success
            }
        }

        /// This program's own path, for the hook to run.
        static func executable() -> String {
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
            let argument = CommandLine.arguments[0]
            return argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
        }
    }

    struct PostReceive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "post-receive",
            abstract: "What the hook runs: reads git's `<old> <new> <ref>` lines and deploys each update of the branch.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The branch whose pushes deploy.") var branch: String

        func run() async throws {
            try await withDocumentedExit {
                let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                let configFile = try DaemonClient.configFile(global)
                if let environments = Self.declaredEnvironments(configFile) {
                    return try await routeByEnvironment(input, environments: environments, configFile: configFile)
                }
                let (updates, ignored) = try PushedRange.parse(input, branch: branch)
                for ref in ignored {
                    print(ref.hasSuffix(" (deleted)") ? "slipway: \(ref): nothing deployed" : "slipway: \(ref): not \(branch), nothing deployed")
                }
                guard !updates.isEmpty else { return .success }
                let client = try DaemonClient(options: global)
                let printer = ProgressPrinter(quiet: global.json)
                var worst = ExitStatus.success
                for update in updates {
                    print("slipway: \(update.ref) \(update.from.map { String($0.prefix(7)) } ?? "(new)")..\(update.to.prefix(7)): "
                          + "deploying the services it changed")
                    await warnIfConfigurationChanged(update, configFile: configFile)
                    // Git relays a hook's output to the pusher as it comes: flushed now, not at exit.
                    fflush(nil)
                    let request = RunRequest(from: update.from, to: update.to, trigger: .push)
                    let summary = try await streamRun(request, client: client, printer: printer, json: global.json)
                    let status = summary.exitCode
                    if status.rawValue > worst.rawValue { worst = status }
                }
                return worst
            }
        }

        /// With `environments:`, each pushed ref goes where `PushRouting` says (the rule the GitHub
        /// webhook follows too); `--branch` is not read. A refused run (a freeze, the tag policy) is
        /// told and the others go on.
        private func routeByEnvironment(_ input: String, environments: [EnvironmentConfig], configFile: String) async throws -> ExitStatus {
            let updates = try RefUpdate.parse(postReceive: input)
            var worst = ExitStatus.success
            var client: DaemonClient?
            let printer = ProgressPrinter(quiet: global.json)
            for update in updates {
                let routed = PushRouting.route(update, environments: environments)
                if let nothing = routed.nothing { print("slipway: \(nothing)") }
                for run in routed.runs {
                    let range = update.branch == nil ? run.to : "\(run.from.map { String($0.prefix(7)) } ?? "(new)")..\(run.to.prefix(7))"
                    print("slipway: \(update.ref) \(range): deploying the services it changed into \(run.environment ?? "?")")
                    if update.branch != nil, let after = update.after {
                        await warnIfConfigurationChanged(PushedRange(from: update.before, to: after, ref: update.ref), configFile: configFile)
                    }
                    fflush(nil)
                    if client == nil { client = try DaemonClient(options: global) }
                    let status: ExitStatus
                    do {
                        status = try await streamRun(run, client: client!, printer: printer, json: global.json).exitCode
                    } catch let error as APIError {
                        print("slipway: \(run.environment ?? "?"): refused: \(TerminalText.line(error.message))")
                        status = error.exitCode
                    }
                    if status.rawValue > worst.rawValue { worst = status }
                }
            }
            return worst
        }

        /// The environments slipway.yml declares; nil without `environments:`, and nil (said) when the
        /// file cannot be loaded: the daemon deploys with the configuration it loaded, so the hook
        /// then routes as it was installed (`--branch`), as before environments existed.
        static func declaredEnvironments(_ configFile: String) -> [EnvironmentConfig]? {
            do {
                let config = try ConfigLoader.load(path: configFile)
                return config.declaresEnvironments ? config.environments : nil
            } catch {
                print("slipway: warning: cannot load \((configFile as NSString).lastPathComponent) to route by environments "
                      + "(\(TerminalText.line(String(describing: error)).prefix(300))); deploying as the hook was installed")
                return nil
            }
        }

        private func warnIfConfigurationChanged(_ update: PushedRange, configFile: String) async {
            if await PostReceiveHook.configurationChanged(in: (configFile as NSString).deletingLastPathComponent,
                                                          range: update, configFile: configFile) {
                print("slipway: warning: this push changes \((configFile as NSString).lastPathComponent); the daemon deploys "
                      + "with the configuration it loaded: restart it (`slipway serve`) for the change to apply")
            }
        }
    }
}
