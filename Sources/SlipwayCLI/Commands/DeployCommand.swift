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
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?
    @Flag(name: .long, help: "Into an environment with approvals: wait until the deployment ends, and exit with its code.")
    var wait = false
    @Flag(name: .long, help: "Pass the environment's freeze on its hotfix path (its own approvals); needs --reason.")
    var hotfix = false
    @Option(name: .long, help: "With --hotfix: why (recorded and audited).") var reason: String?
    @Flag(name: .long, help: "Deploy every service whose paths changed, in dependency order.") var changed = false
    @Option(name: .long, help: "With --changed: diff from this commit (default: each service's last deployed commit).") var from: String?
    @Option(name: .long, help: "With --changed: the commit to deploy.") var to = "HEAD"

    func validate() throws {
        if changed && service != nil { throw ValidationError("give a service or --changed, not both") }
        if !changed && service == nil { throw ValidationError("name the service to deploy, or use --changed") }
        if hotfix && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--hotfix needs --reason: a hotfix is recorded with why")
        }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            guard let service else { return try await deployChanged(client, printer: printer) }
            var request = DeployRequest(service: service, environment: environment, ref: ref)
            if hotfix { (request.hotfix, request.reason) = (true, reason) }
            let last = try await client.stream("/v1/deployments", body: request, last: .finished, onEvent: printer.handle)
            return try await conclude(last, waiting: wait, client: client, printer: printer, json: global.json)
        }
    }

    private func deployChanged(_ client: DaemonClient, printer: ProgressPrinter) async throws -> ExitStatus {
        let summary = try await streamRun(RunRequest(from: from, to: to, environment: environment), client: client,
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

/// `conclude`, after waiting, when asked to, for a deployment that was recorded pending to end.
func conclude(_ last: DeploymentEvent, waiting wait: Bool, client: DaemonClient, printer: ProgressPrinter,
              json: Bool) async throws -> ExitStatus {
    guard wait, let pending = last.deployment, pending.outcome == .pending else {
        return try conclude(last, printer: printer, json: json)
    }
    if !json { print("slipway: deployment \(pending.id) is \(pending.message ?? "pending"); waiting for it to end") }
    let ended = try await awaitEnd(of: pending.id, client: client)
    return try conclude(DeploymentEvent(event: .finished, deploymentID: ended.id, deployment: ended), printer: printer, json: json)
}

/// Polls a deployment until it has ended (a pending one starts once approved, and runs).
func awaitEnd(of id: String, client: DaemonClient) async throws -> Deployment {
    while true {
        let record = try await client.get(Deployment.self, "/v1/deployments/\(id)")
        if record.outcome.isFinal { return record }
        try await Task.sleep(for: .milliseconds(500))
    }
}

/// The end of a streamed deploy or rollback: print the record, return its exit status. A deployment
/// that waits for approvals is not a failure: its id and what it waits for, exit 0.
func conclude(_ last: DeploymentEvent, printer: ProgressPrinter, json: Bool) throws -> ExitStatus {
    if let error = last.error { throw error }
    guard let deployment = last.deployment else {
        throw SlipwayError(.interrupted, "the daemon did not report how the deployment ended; see `slipway history`")
    }
    if deployment.outcome == .pending {
        if json {
            try Terminal.printJSON(deployment)
        } else {
            print("slipway: deployment \(deployment.id) of \(TerminalText.line(deployment.key.description)) is recorded and "
                  + "\(TerminalText.line(deployment.message ?? "waits")); `slipway show \(deployment.id)` follows it")
        }
        return .success
    }
    if json { try Terminal.printJSON(deployment) } else { printer.summary(deployment) }
    return deployment.exitCode ?? .deployFailed
}
