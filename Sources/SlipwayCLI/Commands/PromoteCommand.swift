import ArgumentParser
import SlipwayModel

/// `slipway promote web --to production`: what succeeded in the environment before it (its
/// `promote_from`, or `--from`), deployed as the same artifact: no export, no build.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Deploy the release that succeeded in one environment into another, as the same artifact (no build).",
        discussion: """
            The release's files are copied and checked by their SHA-256 digest (a Docker release runs the same image id); \
            the record names the deployment it was promoted from and the artifact's digest. Into an environment with \
            approvals the promotion waits for them (exit 0 with its id, or --wait).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service to promote.") var service: String
    @Option(name: .long, help: "The environment to promote into.") var to: String
    @Option(name: .long, help: "The environment to promote from (default: the target's promote_from).") var from: String?
    @Option(name: .long, help: "A release id or version in the source environment (default: the one it serves now).")
    var release: String?
    @Flag(name: .long, help: "Wait until the promotion ends (through its approvals), and exit with its code.") var wait = false
    @Flag(name: .long, help: "Pass the environment's freeze on its hotfix path (its own approvals); needs --reason.")
    var hotfix = false
    @Option(name: .long, help: "With --hotfix: why (recorded and audited).") var reason: String?

    func validate() throws {
        if hotfix && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--hotfix needs --reason: a hotfix is recorded with why")
        }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            let last = try await client.stream("/v1/promotions", body: PromoteRequest(service: service, to: to, from: from, release: release,
                                                                                          hotfix: hotfix ? true : nil, reason: reason),
                                               last: .finished, onEvent: printer.handle)
            return try await conclude(last, waiting: wait, client: client, printer: printer, json: global.json)
        }
    }
}
