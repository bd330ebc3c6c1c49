import ArgumentParser
import SlipwayModel

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Build a ref of a service and move its traffic to it with no request lost.",
        discussion: "Blocks until the deployment ends and exits with its documented code (see `slipway --help`).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service to deploy.") var service: String
    @Option(name: .long, help: "A git ref (tag, branch, commit) in the repository holding slipway.yml.") var ref = "HEAD"

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            let last = try await client.stream("/v1/deployments", body: DeployRequest(service: service, ref: ref, actor: currentActor()),
                                               onEvent: printer.handle)
            return try conclude(last, printer: printer, json: global.json)
        }
    }
}

/// The end of a streamed deploy or rollback: print the record, return its exit status.
func conclude(_ last: DeploymentEvent, printer: ProgressPrinter, json: Bool) throws -> ExitStatus {
    if let error = last.error { throw error }
    guard let deployment = last.deployment else {
        throw SlipwayError(.interrupted, "the daemon did not report how the deployment ended; see `slipway history`")
    }
    if json { try Terminal.printJSON(deployment) } else { printer.summary(deployment) }
    return ExitStatus(rawValue: deployment.exitCode ?? ExitStatus.deployFailed.rawValue) ?? .deployFailed
}
