import SlipwayCore
import SlipwayModel

/// Each service's releases on the runtime its config names: local processes, or containers.
/// The controller sees one `Runtime`; an instance's kind is told by its container id.
package struct DockerOrProcessRuntime: Runtime {
    let processes: any Runtime
    let containers: (any Runtime)?
    package let exits: AsyncStream<InstanceExit>
    private let forward: AsyncStream<InstanceExit>.Continuation

    package init(processes: any Runtime, containers: (any Runtime)?) {
        self.processes = processes
        self.containers = containers
        (exits, forward) = AsyncStream.makeStream()
    }

    /// Merges both runtimes' exits into `exits` until cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            for runtime in [processes, containers].compactMap({ $0 }) {
                group.addTask {
                    for await exit in runtime.exits { forward.yield(exit) }
                }
            }
        }
    }

    private func runtime(for instance: Instance) -> any Runtime {
        instance.containerID != nil ? (containers ?? processes) : processes
    }

    package func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        guard service.runtime == .docker else { return try await processes.start(release, service: service) }
        guard let containers else {
            throw SlipwayError(.startFailed, "\(service.name) runs on Docker, but this daemon has no Docker engine",
                               context: ErrorContext(service: service.name))
        }
        return try await containers.start(release, service: service)
    }

    package func stop(_ instance: Instance, timeout: Duration) async { await runtime(for: instance).stop(instance, timeout: timeout) }
    package func isAlive(_ instance: Instance) async -> Bool { await runtime(for: instance).isAlive(instance) }
    package func adopt(_ instance: Instance) async { await runtime(for: instance).adopt(instance) }
    package func logTail(_ instance: Instance, lines: Int) async -> String { await runtime(for: instance).logTail(instance, lines: lines) }

    package func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        var found = await processes.unrecorded(excluding: recorded)
        if let containers { found += await containers.unrecorded(excluding: recorded) }
        return found
    }
}
