import ArgumentParser
import SlipwayModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each service: its active release, health and upstreams.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withDocumentedExit {
            let status = try await DaemonClient(options: global).get(StatusResponse.self, "/v1/status")
            if global.json {
                try Terminal.printJSON(status)
                return .success
            }
            print("proxy listening on \(status.proxy)\n")
            let rows = status.services.map { service -> [String] in
                [service.name, service.route, service.activeRelease?.version ?? "-", service.activeRelease?.id ?? "-",
                 service.health.rawValue, service.upstreams.joined(separator: ","), service.pid.map(String.init) ?? "-",
                 "\(service.restarts)", service.deploying ?? "-", Self.warm(service)]
            }
            print(Terminal.table(["SERVICE", "ROUTE", "VERSION", "RELEASE", "HEALTH", "UPSTREAM", "PID", "RESTARTS", "DEPLOYING",
                                  "WARM (ROLLBACK IS A SWITCH)"], rows))
            return .success
        }
    }

    /// "20260101-ab (pid 123) for 42s": the replaced release still running, until the watch ends.
    static func warm(_ service: ServiceStatus) -> String {
        guard let release = service.warmRelease else { return "-" }
        let left = service.warmUntil.map { max(0, Int($0.timeIntervalSinceNow.rounded(.up))) }
        return "\(release)" + (service.warmPid.map { " (pid \($0))" } ?? "") + (left.map { " for \($0)s" } ?? "")
    }
}
