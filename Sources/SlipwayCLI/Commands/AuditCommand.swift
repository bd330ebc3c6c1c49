import ArgumentParser
import Foundation
import SlipwayModel

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The append-only audit trail, oldest first.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this service.") var service: String?
    @Option(name: .long, help: "How many of the newest entries to show.") var limit = 100
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let path = DaemonClient.listing("/v1/audit", service: service, environment: environment, limit: limit)
            let entries = try await DaemonClient(options: global).get([AuditEntry].self, path)
            if global.json {
                try Terminal.printJSON(entries)
                return .success
            }
            let rows = entries.map { e in
                ["\(e.sequence)", Terminal.time(e.at), e.actor, e.action.rawValue, e.service ?? "-", e.detail]
            }
            print(Terminal.table(["#", "AT", "BY", "ACTION", "SERVICE", "DETAIL"], rows))
            return .success
        }
    }
}
