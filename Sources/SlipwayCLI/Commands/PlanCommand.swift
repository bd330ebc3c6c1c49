import ArgumentParser
import SlipwayModel

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show which services a commit range would deploy, in what order, through which stages.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Plan the services whose paths changed (the default, and the only kind of plan).") var changed = false
    @Option(name: .long, help: "Diff from this commit (default: each service's last successfully deployed commit).") var from: String?
    @Option(name: .long, help: "The commit to deploy.") var to = "HEAD"
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let plan = try await DaemonClient(options: global).post(RunPlan.self, "/v1/plans",
                                                                    body: RunRequest(from: from, to: to, environment: environment))
            if global.json {
                try Terminal.printJSON(plan)
            } else {
                RunPrinter.printPlan(plan)
            }
            return .success
        }
    }
}
