import ArgumentParser
import Foundation
import SlipwayModel

/// `slipway token create|list|revoke`: the bearer tokens of the TCP API (`api:` in slipway.yml).
/// Through the daemon like every verb, and only for an admin (the unix socket's user is one).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke the bearer tokens of the TCP API.",
        discussion: """
            Roles, each allowed what the ones before it are: \(Role.spelled). A viewer reads; a deployer deploys, \
            rolls back, plans and runs; an approver will approve and freeze; an admin manages tokens.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its value, once: only its SHA-256 is kept.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The token's name: the actor its requests are recorded under.") var name: String
        @Option(name: .long, help: "\(Role.spelled.replacingOccurrences(of: ", ", with: "|"))") var role: String

        func run() async throws {
            try await withDocumentedExit {
                guard let role = Role(rawValue: role) else {
                    throw SlipwayError(.badRequest, "unknown role \"\(TerminalText.line(role))\"; the roles are \(Role.spelled)")
                }
                let created = try await DaemonClient(options: global).post(
                    TokenCreated.self, "/v1/tokens", body: TokenCreateRequest(name: name, role: role))
                if global.json {
                    try Terminal.printJSON(created)
                } else {
                    print(created.value)
                    // On stderr: `TOKEN=$(slipway token create ci --role deployer)` captures the value alone.
                    FileHandle.standardError.write(Data(("slipway: token \(created.token.name) (\(created.token.role)) created; "
                        + "its value is shown only now: keep it, e.g. as SLIPWAY_TOKEN beside SLIPWAY_API\n").utf8))
                }
                return .success
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tokens: name, role, who created them and when (never their values).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await withDocumentedExit {
                let tokens = try await DaemonClient(options: global).get([APIToken].self, "/v1/tokens")
                if global.json {
                    try Terminal.printJSON(tokens)
                    return .success
                }
                let rows = tokens.map { t in
                    [t.name, t.role.rawValue, Terminal.time(t.createdAt), t.createdBy, t.lastUsedAt.map(Terminal.time) ?? "never"]
                }
                print(Terminal.table(["NAME", "ROLE", "CREATED", "BY", "LAST USED"], rows))
                return .success
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: the next request that presents it is refused (401).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            try await withDocumentedExit {
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? name
                let revoked = try await DaemonClient(options: global).delete(APIToken.self, "/v1/tokens/\(encoded)")
                if global.json {
                    try Terminal.printJSON(revoked)
                } else {
                    print("revoked the token \(TerminalText.line(revoked.name)) (\(revoked.role))")
                }
                return .success
            }
        }
    }
}
