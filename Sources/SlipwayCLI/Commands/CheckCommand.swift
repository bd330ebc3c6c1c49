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
        var services: [String]
        var databases: [String]
        var issues: [String]
    }

    func run() async throws {
        let file: String
        do {
            file = try DaemonClient.configFile(global)
        } catch let error as SlipwayError {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.configInvalid.rawValue)
        }
        do {
            let config = try ConfigLoader.load(path: DaemonClient.displayPath(file))
            if global.json {
                try Terminal.printJSON(Summary(file: file, valid: true, services: config.services.map(\.name),
                                               databases: config.databases.map(\.name), issues: []))
            } else {
                print("\(DaemonClient.displayPath(file)): ok (\(Self.contents(config)))")
            }
        } catch let issues as ConfigIssues {
            if global.json {
                try Terminal.printJSON(Summary(file: file, valid: false, services: [], databases: [],
                                               issues: issues.issues.map(\.description)))
            } else {
                Terminal.error("invalid configuration:\n" + issues.description)
            }
            throw ExitCode(ExitStatus.configInvalid.rawValue)
        }
    }

    /// "2 service(s): web, api; 1 database(s): hr": the services, and the databases when there are any.
    static func contents(_ config: ProjectConfig) -> String {
        var parts: [String] = []
        if !config.services.isEmpty || config.databases.isEmpty {
            parts.append("\(config.services.count) service(s): \(config.services.map(\.name).joined(separator: ", "))")
        }
        if !config.databases.isEmpty {
            parts.append("\(config.databases.count) database(s): \(config.databases.map(\.name).joined(separator: ", "))")
        }
        return parts.joined(separator: "; ")
    }
}
