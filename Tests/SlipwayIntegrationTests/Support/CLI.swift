import Foundation
import SlipwayModel

/// The real `slipway` binary as a user runs it.
struct CLI {
    let repository: TestRepository
    /// Who the CLI says deploys (`SLIPWAY_ACTOR`).
    var actor = "tester"

    func run(_ arguments: String...) async throws -> CommandResult {
        try await runProgram(Binaries.slipway, arguments + ["--config", repository.configFile], in: repository.root,
                             environment: ["SLIPWAY_ACTOR": actor])
    }

    func json<T: Decodable>(_ type: T.Type, _ arguments: String...) async throws -> T {
        let result = try await runProgram(Binaries.slipway, arguments + ["--config", repository.configFile, "--json"],
                                          in: repository.root, environment: ["SLIPWAY_ACTOR": actor])
        do {
            return try APICoding.decoder().decode(type, from: Data(result.stdout.utf8))
        } catch {
            throw TestFailure("slipway \(arguments) --json exited \(result.status): \(result.stdout)\n\(result.stderr)")
        }
    }

    func status() async throws -> StatusResponse { try await json(StatusResponse.self, "status") }
}
