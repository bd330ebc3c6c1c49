import Foundation
import SlipwayDocker
import Testing

/// Whether tests that need a Docker engine run: when one answers, and always when `CI` is set, so
/// that in CI an absent engine fails them (with the engine's own error) instead of skipping them.
enum DockerAvailability {
    static var isCI: Bool {
        !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
    }

    static let engineAnswers = Task<Bool, Never> {
        guard let engine = try? DockerEngine(environment: ProcessInfo.processInfo.environment) else { return false }
        let answers = (try? await engine.version()) != nil
        await engine.shutdown()
        return answers
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when a Docker engine answers, or when `CI` is set (where its absence must fail).
    static var needsDocker: Self {
        .enabled("needs a Docker engine: run scripts/ensure-docker.sh") {
            await DockerAvailability.engineAnswers.value || DockerAvailability.isCI
        }
    }
}

/// An engine from the test's environment (`DOCKER_HOST` or the default socket), shut down after `body`.
func withEngine<T>(_ body: (DockerEngine) async throws -> T) async throws -> T {
    let engine = try DockerEngine(environment: ProcessInfo.processInfo.environment)
    do {
        _ = try await engine.version()
        let result = try await body(engine)
        await engine.shutdown()
        return result
    } catch {
        await engine.shutdown()
        throw error
    }
}
