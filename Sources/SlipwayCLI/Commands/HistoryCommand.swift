import ArgumentParser
import Foundation
import SlipwayModel

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Past deployments and rollbacks, newest first.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this service.") var service: String?
    @Option(name: .long, help: "How many to show.") var limit = 20
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let path = DaemonClient.listing("/v1/deployments", service: service, environment: environment, limit: limit)
            let deployments = try await DaemonClient(options: global).get([Deployment].self, path)
            if global.json {
                try Terminal.printJSON(deployments)
                return .success
            }
            let rows = deployments.map { d -> [String] in
                [d.id, Terminal.time(d.startedAt), d.service, d.kind.rawValue, d.version ?? d.ref ?? "-", d.outcome.rawValue,
                 d.exitCode.map(\.description) ?? "-", Terminal.seconds(d.durationSeconds), d.actor]
            }
            print(Terminal.table(["DEPLOYMENT", "STARTED", "SERVICE", "KIND", "VERSION", "OUTCOME", "EXIT", "DURATION", "BY"], rows))
            return .success
        }
    }
}
