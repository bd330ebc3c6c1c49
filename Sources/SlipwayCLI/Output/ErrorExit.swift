import ArgumentParser
import SlipwayConfig
import SlipwayModel

/// Runs a verb, turning every failure into a clear message on stderr and a documented exit code.
func withDocumentedExit(_ body: () async throws -> ExitStatus) async throws {
    let status: ExitStatus
    do {
        status = try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as SlipwayError {
        Terminal.error(error.description)
        status = ExitStatus.forError(error.code)
    } catch let error as APIError {
        Terminal.error(error.message)
        status = error.exitCode
    } catch let error as ConfigIssues {
        Terminal.error("invalid configuration:\n" + error.description)
        status = .configInvalid
    }
    if status != .success { throw ExitCode(status.rawValue) }
}
