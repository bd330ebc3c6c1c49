import ArgumentParser
import SlipwayConfig
import SlipwayModel

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate slipway.yml without a daemon.",
        discussion: "Every problem is reported as file:line:column: key.path: message; exit 8 when there is one.")

    @OptionGroup var global: GlobalOptions

    struct Summary: Encodable {
        var file: String
        var valid: Bool
        /// Each service once, in the order of `services:`, whatever the environments.
        var services: [String]
        /// Every environment with its listener and services; without `environments:`, `default`.
        var environments: [EnvironmentSummary]
        var databases: [String]
        var issues: [String]
    }

    struct EnvironmentSummary: Encodable {
        var name: String
        var listen: String
        var services: [String]
    }

    func run() async throws {
        let file: String
        do {
            file = try DaemonClient.configFile(global)
        } catch let error as SlipwayError {
            // `--json` always answers JSON, even with no file to check.
            try refuse(file: global.config ?? "slipway.yml", error.description)
        }
        do {
            let config = try ConfigLoader.load(path: DaemonClient.displayPath(file))
            if global.json {
                let environments = config.environments.map { environment in
                    EnvironmentSummary(name: environment.name, listen: environment.proxy.listen.description,
                                       services: config.services(in: environment.name).map(\.name))
                }
                try Terminal.printJSON(Summary(file: file, valid: true, services: Self.serviceNames(config),
                                               environments: environments, databases: config.databases.map(\.name),
                                               issues: []))
            } else {
                print("\(DaemonClient.displayPath(file)): ok (\(Self.contents(config)))")
            }
        } catch let issues as ConfigIssues {
            if global.json {
                try Terminal.printJSON(Summary(file: file, valid: false, services: [], environments: [], databases: [],
                                               issues: issues.issues.map(\.description)))
            } else {
                Terminal.error("invalid configuration:\n" + issues.description)
            }
            throw ExitCode(ExitStatus.configInvalid.rawValue)
        } catch let error as SlipwayError {
            try refuse(file: file, error.description)
        }
    }

    /// A file that could not be read at all: one issue, as JSON with `--json`; exit 8.
    private func refuse(file: String, _ problem: String) throws -> Never {
        if global.json {
            try Terminal.printJSON(Summary(file: file, valid: false, services: [], environments: [], databases: [], issues: [problem]))
        } else {
            Terminal.error(problem)
        }
        throw ExitCode(ExitStatus.configInvalid.rawValue)
    }

    /// "2 service(s): web, api; 2 environment(s): staging, production; 1 database(s): hr": the services,
    /// the environments when the file declares them, and the databases when there are any.
    static func contents(_ config: ProjectConfig) -> String {
        var parts: [String] = []
        let services = serviceNames(config)
        if !services.isEmpty || config.databases.isEmpty {
            parts.append("\(services.count) service(s): \(services.joined(separator: ", "))")
        }
        if config.declaresEnvironments {
            let names = config.environments.map(\.name)
            parts.append("\(names.count) environment(s): \(names.joined(separator: ", "))")
        }
        if !config.databases.isEmpty {
            parts.append("\(config.databases.count) database(s): \(config.databases.map(\.name).joined(separator: ", "))")
        }
        return parts.joined(separator: "; ")
    }

    /// Each service once: with environments, `config.services` holds it once per environment.
    static func serviceNames(_ config: ProjectConfig) -> [String] {
        var seen = Set<String>()
        return config.services.map(\.name).filter { seen.insert($0).inserted }
    }
}
