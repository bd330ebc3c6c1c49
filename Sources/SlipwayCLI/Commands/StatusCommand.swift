import ArgumentParser
import SlipwayModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each service: its active release, health and upstreams.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("env"), help: "Only this environment.") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            var status = try await DaemonClient(options: global).get(StatusResponse.self, "/v1/status")
            if let environment {
                guard let listed = status.environments, let chosen = listed.first(where: { $0.name == environment }) else {
                    let names = status.environments?.map(\.name).joined(separator: ", ") ?? ServiceKey.defaultEnvironment
                    throw SlipwayError(.unknownService, "no environment named \"\(environment)\" (environments: \(names))")
                }
                status.environments = [chosen]
                status.proxy = chosen.proxy
                status.services = status.services.filter { $0.environment == environment }
                status.pending = status.pending?.filter { $0.environment == environment }
            }
            if global.json {
                try Terminal.printJSON(status)
                return .success
            }
            for freeze in status.freezes ?? [] where environment == nil || freeze.environment == environment {
                print("FROZEN: \(TerminalText.line(freeze.environment)) since \(Terminal.time(freeze.at)) by "
                      + "\(TerminalText.line(freeze.actor)): \(TerminalText.line(freeze.reason))")
            }
            if let environments = status.environments {
                for environment in environments {
                    print("\(TerminalText.line(environment.name)): proxy listening on \(environment.proxy)")
                }
                print("")
            } else {
                print("proxy listening on \(status.proxy)\n")
            }
            print(Self.table(status.services, environments: status.environments != nil))
            for service in status.services {
                if let line = Self.traffic(service) { print(line) }
                if let replicas = Self.replicas(service) { print(replicas) }
                if let rollout = service.rollout {
                    print("ROLLOUT: " + RolloutSteeringCommand.describe(rollout).replacingOccurrences(of: "\n", with: "\n         "))
                }
            }
            for waiting in status.pending ?? [] {
                print("PENDING: \(TerminalText.line(waiting.id)) \(TerminalText.line(waiting.key.description)) "
                      + "\(TerminalText.line(waiting.version ?? waiting.ref ?? "")) by \(TerminalText.line(waiting.actor)): "
                      + TerminalText.line(waiting.message ?? "waiting"))
            }
            return .success
        }
    }

    static func table(_ services: [ServiceStatus], environments: Bool) -> String {
        let rows = services.map { service -> [String] in
            (environments ? [service.environment ?? ServiceKey.defaultEnvironment] : [])
                + [service.name, service.route, service.activeRelease?.version ?? "-", service.activeRelease?.id ?? "-",
                 service.health.rawValue, service.upstreams.joined(separator: ","), service.pid.map(String.init) ?? "-",
                 "\(service.restarts)", service.deploying ?? "-", Self.warm(service)]
        }
        return Terminal.table((environments ? ["ENVIRONMENT"] : []) + ["SERVICE", "ROUTE", "VERSION", "RELEASE", "HEALTH", "UPSTREAM",
                                                                      "PID", "RESTARTS", "DEPLOYING", "WARM (ROLLBACK IS A SWITCH)"], rows)
    }

    /// "MAINTENANCE: web (production): back at 14:00", "PAUSED: web: requests held up to 10s".
    static func traffic(_ service: ServiceStatus) -> String? {
        guard let control = service.traffic else { return nil }
        let name = TerminalText.line(service.name) + (service.environment.map { " (\(TerminalText.line($0)))" } ?? "")
        var lines: [String] = []
        if let message = control.maintenance {
            lines.append("MAINTENANCE: \(name): answered 503: \(TerminalText.line(message)) (`slipway proxy live` ends it)")
        }
        if let hold = control.pausedHoldMilliseconds {
            lines.append("PAUSED: \(name): new requests held up to \(DurationText.format(.milliseconds(hold))) (`slipway proxy resume` ends it)")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// "REPLICAS: web: 1 pid 12 :4001 healthy, 2 pid 13 :4002 unhealthy (out of the pool), ...".
    static func replicas(_ service: ServiceStatus) -> String? {
        guard let replicas = service.replicas else { return nil }
        let name = TerminalText.line(service.name) + (service.environment.map { " (\(TerminalText.line($0)))" } ?? "")
        return "REPLICAS: \(name): " + replicas.map { replica in
            "\(replica.slot) " + (replica.containerID.map { "container \($0)" } ?? "pid \(replica.pid)") + " :\(replica.port) "
                + replica.health.rawValue + (replica.inPool ? "" : " (out of the pool)")
        }.joined(separator: ", ")
    }

    /// "20260101-ab (pid 123) for 42s": the replaced release still running, until the watch ends.
    static func warm(_ service: ServiceStatus) -> String {
        guard let release = service.warmRelease else { return "-" }
        let left = service.warmUntil.map { max(0, Int($0.timeIntervalSinceNow.rounded(.up))) }
        return "\(release)" + (service.warmPid.map { " (pid \($0))" } ?? "") + (left.map { " for \($0)s" } ?? "")
    }
}
