import ArgumentParser
import Foundation
import Logging
import SlipwayConfig
import SlipwayModel
import SlipwayPOSIX
import SlipwayProxy

/// `slipway proxy`: the data plane, which `serve` runs as a process of its own so that traffic does
/// not stop when the controller does.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "The proxy: pause a service or put it in maintenance; replace the process without dropping a connection, or see what it routes.",
        discussion: """
            `slipway serve` starts the proxy as a process of its own and adopts the one already running, so \
            traffic keeps flowing while the daemon is stopped, killed or upgraded.
            """,
        subcommands: [ProxyPauseCommand.self, ProxyResumeCommand.self, ProxyMaintenanceCommand.self, ProxyLiveCommand.self,
                      ProxyReloadCommand.self, ProxyStatusCommand.self, ProxyRunCommand.self])
}

struct ProxyReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Start a new proxy process of this slipway binary and hand it the listening sockets.",
        discussion: """
            The running proxy keeps its connections until their exchanges end, then exits; new connections \
            go to the new process. What an upgrade of Slipway does: no connection is refused.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("env"), help: "Only this environment's proxy (default: every environment's).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let config = try ConfigLoader.load(path: DaemonClient.displayPath(try DaemonClient.configFile(global)))
            guard let executable = ExecutableIdentity.path() else {
                throw SlipwayError(.internalError, "cannot tell where this slipway binary is (/proc/self/exe)")
            }
            for environment in try proxyEnvironments(config, named: environment) {
                let files = ProxyFiles(stateDirectory: config.stateDirectory, environment: environment.name)
                // As `serve` hands it: ACME hosts as their files, so a reload is not a reconfiguration.
                let tls = environment.proxy.tls.map(ACMEFiles(stateDirectory: config.stateDirectory).served)
                let process = ProxyProcess(files: files, launch: .init(executable: executable, listen: environment.proxy.listen,
                                                                      idleTimeout: environment.proxy.idleTimeout, tls: tls),
                                           logger: Logger(label: "slipway.proxy"))
                let status = try await process.reload()
                let which = environment.isDefault ? "" : " (\(environment.name))"
                let https = status.tlsListen.map { " and https://\($0)" } ?? ""
                print("slipway: proxy process\(which) \(status.pid) serves http://\(status.listen)\(https) with \(status.routes.count) route(s)")
            }
            return .success
        }
    }
}

struct ProxyStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The running proxy process, its address and its route table.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("env"), help: "Only this environment's proxy (default: every environment's).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let config = try ConfigLoader.load(path: DaemonClient.displayPath(try DaemonClient.configFile(global)))
            var statuses: [ProxyStatus] = []
            for environment in try proxyEnvironments(config, named: environment) {
                let files = ProxyFiles(stateDirectory: config.stateDirectory, environment: environment.name)
                let reply: ProxyControlReply
                do {
                    reply = try await ProxyControlClient(files: files).send(ProxyControlRequest(.status), timeout: .seconds(5))
                } catch {
                    throw SlipwayError(.daemonUnreachable, "no proxy process answers on \(files.controlSocket): \(error)")
                }
                guard let status = reply.status else { throw SlipwayError(.internalError, "the proxy process sent no status") }
                statuses.append(status)
            }
            if global.json {
                // One environment (a file without `environments:`, or --env): the status itself, as before.
                if statuses.count == 1 { try Terminal.printJSON(statuses[0]) } else { try Terminal.printJSON(statuses) }
                return .success
            }
            for status in statuses {
                print("proxy process \(status.pid) on http://\(status.listen)" + (status.tlsListen.map { " and https://\($0)" } ?? ""))
                for route in status.routes {
                    let match = route.route.map { "\($0.host ?? "*")\($0.path)" } ?? "(no route)"
                    var control = ""
                    if let hold = route.control?.pausedHoldMilliseconds { control += "  paused (hold \(DurationText.format(.milliseconds(hold))))" }
                    if let message = route.control?.maintenance { control += "  maintenance: \(TerminalText.line(message))" }
                    print("  \(TerminalText.line(route.service.description))  \(TerminalText.line(match))  → \(route.backends.map { TerminalText.line($0.summary) } ?? "none")"
                          + control)
                }
            }
            return .success
        }
    }
}

/// The environments a `proxy` verb acts on: the named one, or all.
private func proxyEnvironments(_ config: ProjectConfig, named name: String?) throws -> [EnvironmentConfig] {
    guard let name else { return config.environments }
    guard let environment = config.environment(named: name) else {
        throw SlipwayError(.unknownService, "no environment named \"\(name)\" in \(config.file) "
                           + "(environments: \(config.environments.map(\.name).joined(separator: ", ")))")
    }
    return [environment]
}

/// What `serve` starts; run by hand only to debug.
struct ProxyRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the proxy process in the foreground (what `slipway serve` starts).",
        shouldDisplay: false)

    @Option(name: .long, help: "The state directory whose control socket and route table it uses.") var stateDirectory: String
    @Option(name: .long, help: "host:port to listen on.") var listen: String
    @Option(name: .long, help: "The environment whose proxy this is (its files carry the name).")
    var environment: String = ServiceKey.defaultEnvironment
    @Option(name: .long, help: "Client idle timeout in milliseconds.") var idleTimeoutMs: Int = 75_000
    @Flag(name: .long, help: "Take the listening sockets and routes of the proxy running now.") var takeOver = false
    @Option(name: .long, help: "proxy.tls as JSON: listen, certificates (host, cert, key), redirectHTTP.") var tls: String?
    @Option(name: .long, help: "How often the certificate files are looked at for a change, in milliseconds.")
    var certificateCheckMs: Int = 2_000

    func run() async throws {
        try await withDocumentedExit {
            guard let address = SocketAddressSpec(parsing: listen) else {
                throw SlipwayError(.badRequest, "--listen \(listen) is not host:port")
            }
            let tlsConfig: ProxyTLSConfig?
            do {
                tlsConfig = try tls.map { try JSONDecoder().decode(ProxyTLSConfig.self, from: Data($0.utf8)) }
            } catch {
                throw SlipwayError(.badRequest, "--tls is not proxy.tls as JSON: \(error)")
            }
            signal(SIGPIPE, SIG_IGN)
            let host = ProxyHost(options: .init(files: ProxyFiles(stateDirectory: stateDirectory, environment: environment), listen: address,
                                                idleTimeout: .milliseconds(idleTimeoutMs), takeOver: takeOver, tls: tlsConfig,
                                                certificateCheckInterval: .milliseconds(max(certificateCheckMs, 10))),
                                 logger: Logger(label: "slipway.proxy"))
            try await host.run()
            return .success
        }
    }
}
