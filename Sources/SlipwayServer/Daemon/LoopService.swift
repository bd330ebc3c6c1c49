import ServiceLifecycle

/// A long-running loop (a supervisor, a queue) as a `Service`: cancelled when the group shuts down
/// gracefully, then `onShutdown` runs, so cleanup that needs the services listed before it still works.
struct LoopService: Service {
    let name: String
    let body: @Sendable () async throws -> Void
    var onShutdown: @Sendable () async -> Void = {}

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await body() }
        await onShutdown()
    }
}
