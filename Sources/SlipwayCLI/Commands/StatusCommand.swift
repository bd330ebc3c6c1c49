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
                 "\(service.restarts)", service.deploying ?? "-"]
            }
            print(Terminal.table(["SERVICE", "ROUTE", "VERSION", "RELEASE", "HEALTH", "UPSTREAM", "PID", "RESTARTS", "DEPLOYING"], rows))
            return .success
        }
    }
}
