import ArgumentParser
import Foundation
import SlipwayConfig
import SlipwayModel

/// `slipway init`: a first `slipway.yml` for the repository in the current directory.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a first slipway.yml for the app in this repository.",
        discussion: """
            Looks at what is here (a Dockerfile; package.json; requirements.txt or pyproject.toml with \
            Flask, FastAPI or Django; go.mod; a Gemfile with rack or rails; Cargo.toml; a built dist/ or \
            build/ folder) and writes a commented slipway.yml that passes `slipway check`: how the app is \
            built and run, the health path it guessed and why, each optional key commented out with its \
            default. Adds .slipway/ to .gitignore; creates .slipway/secrets.env (mode 0600) for variables \
            the app reads that look secret. Refuses to replace an existing slipway.yml without --force.
            """)

    @Option(name: .long, help: "The service's name (default: web).") var service = "web"
    @Option(name: .long, help: "The command that starts the app, for what init cannot guess.") var run: String?
    @Flag(name: .long, help: "Replace an existing slipway.yml.") var force = false
    @Option(name: .long, help: "The repository's directory (default: the current one).") var directory: String?

    func run() async throws {
        try await withDocumentedExit {
            let root = directory ?? FileManager.default.currentDirectoryPath
            let app = AppDetection(root: root).detect()
            if app.kind == .command, run == nil {
                throw SlipwayError(.badRequest, "found no app here that init recognises (a Dockerfile, package.json, requirements.txt, "
                                   + "pyproject.toml, go.mod, a Gemfile, Cargo.toml or a dist/ folder); say what starts it: "
                                   + "slipway init --run 'python3 server.py'")
            }
            let starter = StarterConfig(app: app, service: service, run: run, schema: StarterConfig.defaultSchema)
            let written = try StarterFiles.write(starter, in: root, force: force)
            print("wrote slipway.yml for \(app.kind == .command ? "the command given with --run" : app.evidence)")
            if app.kind != .staticSite {
                print("  health check: GET \(app.healthPath) (\(app.healthReason))")
            }
            print("wrote \(StarterFiles.schemaFile): the schema editors check slipway.yml against (its first line names it)")
            if written.ignoredStateDirectory { print("added .slipway/ to .gitignore: it holds the daemon's state and secrets") }
            if let secrets = written.secretsFile, !app.secretNames.isEmpty {
                print("\(secrets) (mode 0600): fill in \(app.secretNames.joined(separator: ", ")); slipway.yml reads them as ${NAME}")
            }
            print("""

                next:
                  slipway check                       # validate slipway.yml (edit it first if a guess above is wrong)
                  slipway serve &                     # the daemon, and its proxy on \(starter.listen)
                  slipway deploy \(service) --ref HEAD   # build, start, health-check and switch to your last commit
                """)
            return .success
        }
    }
}
