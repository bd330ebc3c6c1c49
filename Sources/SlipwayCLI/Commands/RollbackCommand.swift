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
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?
    @Flag(name: .long, help: "Past the environment's rollback window: roll back anyway (an admin's decision; needs --reason).")
    var override = false
    @Option(name: .long, help: "With --override: why (recorded and audited).") var reason: String?

    func validate() throws {
        if override && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--override needs --reason: an override is recorded with why")
        }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let printer = ProgressPrinter(quiet: global.json)
            let last = try await client.stream("/v1/rollbacks", body: RollbackRequest(service: service, environment: environment, to: to,
                                                                                          override: override ? true : nil, reason: reason),
                                               last: .finished, onEvent: printer.handle)
            return try conclude(last, printer: printer, json: global.json)
        }
    }
}
