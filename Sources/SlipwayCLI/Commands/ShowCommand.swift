import ArgumentParser
import SlipwayModel

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One deployment's record: releases, stages with their times and outcomes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A deployment id.") var deployment: String

    func run() async throws {
        try await withDocumentedExit {
            let record = try await DaemonClient(options: global).get(Deployment.self, "/v1/deployments/\(deployment)")
            if global.json {
                try Terminal.printJSON(record)
                return .success
            }
            print("""
                deployment  \(record.id) (\(record.kind.rawValue))
                service     \(record.service)
                by          \(record.actor)
                ref         \(record.ref ?? "-")
                version     \(record.version ?? "-")  commit \(record.commit ?? "-")
                from        \(record.fromRelease ?? "-")
                to          \(record.toRelease ?? "-")
                started     \(Terminal.time(record.startedAt))  duration \(Terminal.seconds(record.durationSeconds))
                outcome     \(record.outcome.rawValue) (exit \(record.exitCode.map(\.description) ?? "-"))
                message     \(record.message ?? "-")
                trigger     \(record.trigger?.rawValue ?? "-")
                image       \(record.image ?? "-")
                backup      \(record.backup ?? "-")
                migrations  \(record.migrations.isEmpty ? "-" : record.migrations.joined(separator: ", "))
                rollback by \(record.rollbackDeadline.map(Terminal.time) ?? "-")
                notified    \(record.notifications.isEmpty ? "-" : record.notifications.map { "\($0.channel) \($0.event.rawValue): \($0.delivered ? "delivered" : "failed")" }.joined(separator: "; "))

                """)
            let rows = record.stages.map { stage -> [String] in
                [Terminal.stageSymbol(stage.outcome) + " " + stage.name.rawValue, stage.outcome.rawValue,
                 Terminal.seconds(stage.finishedAt.map { $0.timeIntervalSince(stage.startedAt) }),
                 (stage.message ?? "").split(separator: "\n").first.map(String.init) ?? ""]
            }
            print(Terminal.table(["STAGE", "OUTCOME", "DURATION", "MESSAGE"], rows))
            return .success
        }
    }
}
