import Foundation
import SlipwayModel

/// The real `slipway` binary as a user runs it.
struct CLI {
    let repository: TestRepository
    /// Added to the test's own environment: `SLIPWAY_API`, `SLIPWAY_TOKEN`, `SLIPWAY_CA_FILE` for the TCP API.
    var environment: [String: String] = [:]

    func run(_ arguments: String...) async throws -> CommandResult {
        try await runProgram(Binaries.slipway, arguments + ["--config", repository.configFile], in: repository.root,
                             environment: environment)
    }

    func json<T: Decodable>(_ type: T.Type, _ arguments: String...) async throws -> T {
        let result = try await runProgram(Binaries.slipway, arguments + ["--config", repository.configFile, "--json"],
                                          in: repository.root, environment: environment)
        do {
            return try APICoding.decoder().decode(type, from: Data(result.stdout.utf8))
        } catch {
            throw TestFailure("slipway \(arguments) --json exited \(result.status): \(result.stdout)\n\(result.stderr)")
        }
    }

    func status() async throws -> StatusResponse { try await json(StatusResponse.self, "status") }
}

/// The login name of the user the tests run as: the actor of whatever they do over the unix socket
/// (the daemon reads it from the socket's peer credentials).
let currentUserName: String = {
    guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "uid:\(getuid())" }
    return String(cString: name)
}()
