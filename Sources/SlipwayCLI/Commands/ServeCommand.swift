import ArgumentParser
import Foundation
import Logging
import SlipwayConfig
import SlipwayModel
import SlipwayServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: the proxy, the controller and the API, with state in .slipway/.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT, stopping the releases it runs; they start again with the next \
            `slipway serve`. A daemon killed outright leaves its releases running and the next one re-adopts them.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func run() async throws {
        try await withDocumentedExit {
            let file = try DaemonClient.configFile(global)
            let config = try ConfigLoader.load(path: DaemonClient.displayPath(file))
            DaemonLogging.bootstrap(secrets: config.secrets)
            var logger = Logger(label: "slipway")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let daemon = Daemon(config: config, logger: logger)
            try await daemon.run { address in
                print("slipway: proxy on http://\(address), API on \(daemon.socketPath)"
                      + (daemon.tcpAPIURL.map { " and \($0)" } ?? ""))
                fflush(nil)
            }
            return .success
        }
    }
}
