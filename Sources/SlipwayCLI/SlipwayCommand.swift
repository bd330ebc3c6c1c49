import ArgumentParser
import SlipwayModel

/// The root command. Every verb but `serve`, `demo`, `check` and `db` is a client of the daemon.
package struct SlipwayCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Zero-downtime deployments of a repository's services, with health checks and automatic rollback.",
        discussion: """
            Exit codes:
            \(ExitStatus.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n"))
            """,
        version: slipwayVersionLine,
        subcommands: [
            DemoCommand.self, InitCommand.self, ServeCommand.self, CheckCommand.self, PlanCommand.self, DeployCommand.self, RollbackCommand.self,
            StatusCommand.self, HistoryCommand.self, ShowCommand.self, LogsCommand.self, AuditCommand.self, DatabaseCommand.self,
            PromoteCommand.self, ApproveCommand.self, RejectCommand.self, FreezeCommand.self, UnfreezeCommand.self, TokenCommand.self, HookCommand.self, ProxyCommand.self, RolloutSteeringCommand.self, LogRelayCommand.self, SchemaCommand.self,
        ])

    package init() {}
}
