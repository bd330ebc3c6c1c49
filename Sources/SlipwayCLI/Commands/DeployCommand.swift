import ArgumentParser
import SlipwayModel

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Build a ref of a service and move its traffic to it with no request lost.",
        discussion: "Blocks until the deployment ends and exits with its documented code (see `slipway --help`).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service to deploy (omit with --changed).") var service: String?
    @Option(name: .long, help: "A git ref (tag, branch, commit) in the repository holding slipway.yml.") var ref = "HEAD"
    @Flag(name: .long, help: "Deploy every service whose paths changed, in dependency order.") var changed = false
    @Option(name: .long, help: "With --changed: diff from this commit (default: each service's last deployed commit).") var from: String?
    @Option(name: .long, help: "With --changed: the commit to deploy.") var to = "HEAD"

    func validate() throws {
        if changed && service != nil { throw ValidationError("give a service or --changed, not both") }
        if !changed && service == nil { throw ValidationError("name the service to deploy, or use --changed") }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            guard let service else { return try await deployChanged(client, printer: printer) }
            let last = try await client.stream("/v1/deployments", body: DeployRequest(service: service, ref: ref),
                                               last: .finished, onEvent: printer.handle)
            return try conclude(last, printer: printer, json: global.json)
        }
    }

    private func deployChanged(_ client: DaemonClient, printer: ProgressPrinter) async throws -> ExitStatus {
        let summary = try await streamRun(RunRequest(from: from, to: to), client: client,
                                          printer: printer, json: global.json)
        return summary.exitCode
    }
}

/// A `deploy --changed` run through the daemon: its plan and progress as they come, then its summary
/// (or the summary as JSON). Returns the summary.
func streamRun(_ request: RunRequest, client: DaemonClient, printer: ProgressPrinter, json: Bool) async throws -> RunSummary {
    let last = try await client.stream("/v1/runs", body: request, last: .summary) { event in
        if event.event == .plan, let plan = event.plan, !json {
            RunPrinter.printPlan(plan)
        } else {
            printer.handle(event)
        }
    }
    if let error = last.error { throw error }
    guard let summary = last.summary else {
        throw SlipwayError(.interrupted, "the daemon did not report how the run ended; see `slipway history`")
    }
    if json { try Terminal.printJSON(summary) } else { RunPrinter.printSummary(summary) }
    return summary
}

/// The end of a streamed deploy or rollback: print the record, return its exit status.
func conclude(_ last: DeploymentEvent, printer: ProgressPrinter, json: Bool) throws -> ExitStatus {
    if let error = last.error { throw error }
    guard let deployment = last.deployment else {
        throw SlipwayError(.interrupted, "the daemon did not report how the deployment ended; see `slipway history`")
    }
    if json { try Terminal.printJSON(deployment) } else { printer.summary(deployment) }
    return deployment.exitCode ?? .deployFailed
}
