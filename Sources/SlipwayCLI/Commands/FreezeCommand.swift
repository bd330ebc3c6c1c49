import ArgumentParser
import Foundation
import SlipwayModel

/// `slipway freeze ENV --reason`: no new deployment or promotion into the environment until
/// `unfreeze`; rollbacks stay allowed.
struct FreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Refuse every new deploy and promotion into an environment until `unfreeze` (rollbacks stay allowed).",
        discussion: "Refused deployments exit 6, naming who froze the environment, when and why. A freeze survives restarts.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment (may be left out when slipway.yml has one).") var environment: String?
    @Option(name: .long, help: "Why: what everyone refused reads.") var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            var name = environment ?? ""
            if environment == nil { name = try await onlyEnvironment(client) }
            let freeze = try await client.post(Freeze.self, "/v1/freezes",
                                               body: FreezeRequest(environment: name, reason: reason))
            if global.json {
                try Terminal.printJSON(freeze)
            } else {
                print("slipway: \(TerminalText.line(freeze.environment)) is frozen: \(TerminalText.line(freeze.reason))")
            }
            return .success
        }
    }
}

struct UnfreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze", abstract: "End an environment's freeze: deployments into it are taken again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The environment (may be left out when slipway.yml has one).") var environment: String?

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            var name = environment ?? ""
            if environment == nil { name = try await onlyEnvironment(client) }
            try await client.delete("/v1/freezes/\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)")
            if global.json {
                try Terminal.printJSON(Unfrozen(environment: name, frozen: false))
            } else {
                print("slipway: \(TerminalText.line(name)) is no longer frozen")
            }
            return .success
        }
    }
}

/// What `unfreeze --json` prints.
struct Unfrozen: Encodable {
    var environment: String
    var frozen: Bool
}

/// The environment a verb acts on when none is named: the only one there is.
func onlyEnvironment(_ client: DaemonClient) async throws -> String {
    let status = try await client.get(StatusResponse.self, "/v1/status")
    guard let environments = status.environments else { return ServiceKey.defaultEnvironment }
    guard environments.count == 1 else {
        throw SlipwayError(.badRequest, "there are \(environments.count) environments (\(environments.map(\.name).joined(separator: ", "))): name one")
    }
    return environments[0].name
}
