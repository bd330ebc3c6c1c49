import ArgumentParser
import SlipwayModel

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "What every stage of a deployment printed.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A deployment id.") var deployment: String

    struct LogText: Encodable {
        var deployment: String
        var log: String
    }

    func run() async throws {
        try await withDocumentedExit {
            let text = try await DaemonClient(options: global).getText("/v1/deployments/\(deployment)/logs")
            if global.json {
                try Terminal.printJSON(LogText(deployment: deployment, log: text))
            } else {
                print(text, terminator: text.hasSuffix("\n") || text.isEmpty ? "" : "\n")
            }
            return .success
        }
    }
}
