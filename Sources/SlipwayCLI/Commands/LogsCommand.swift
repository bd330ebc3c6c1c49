import ArgumentParser
import SlipwayModel

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "What every stage of a deployment printed, or what a service's release prints.",
        discussion: "`slipway logs d-…` shows a deployment's log; `slipway logs --service web` the last lines of the "
            + "active release's output (its log file, or its container's logs).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A deployment id.") var deployment: String?
    @Option(name: .long, help: "Instead of a deployment: the active release of this service.") var service: String?
    @Option(name: .long, help: "With --service: how many of the last lines.") var lines = 100
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func validate() throws {
        if (deployment == nil) == (service == nil) { throw ValidationError("give a deployment id or --service, not both") }
    }

    struct LogText: Encodable {
        var deployment: String?
        var service: String?
        var log: String
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let text: String
            if let service {
                text = try await client.getText("/v1/services/\(service)/output?lines=\(lines)" + DaemonClient.environmentQuery(environment))
            } else {
                text = try await client.getText("/v1/deployments/\(deployment ?? "")/logs")
            }
            if global.json {
                try Terminal.printJSON(LogText(deployment: deployment, service: service, log: text))
            } else {
                print(TerminalText.lines(text), terminator: text.hasSuffix("\n") || text.isEmpty ? "" : "\n")
            }
            return .success
        }
    }
}
