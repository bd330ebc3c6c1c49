import ArgumentParser
import SlipwayModel

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Move a service back to a retained release, health-gated, without rebuilding.",
        discussion: "Without --to, goes back to the release the active one replaced.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service to roll back.") var service: String
    @Option(name: .long, help: "A retained release id or version label.") var to: String?

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            let last = try await client.stream("/v1/rollbacks", body: RollbackRequest(service: service, to: to),
                                               last: .finished, onEvent: printer.handle)
            return try conclude(last, printer: printer, json: global.json)
        }
    }
}
