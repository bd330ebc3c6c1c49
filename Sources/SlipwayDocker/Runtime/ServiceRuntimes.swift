import SlipwayCore
import SlipwayModel

/// Each service's releases on the runtime its config names: local processes, containers, or a
/// static site's files (served by the proxy). The controller sees one `Runtime`; an instance's kind
/// is told by its container id or its site.
package struct ServiceRuntimes: Runtime {
    let processes: any Runtime
    let containers: (any Runtime)?
    let sites: (any Runtime)?
    package let exits: AsyncStream<InstanceExit>
    private let forward: AsyncStream<InstanceExit>.Continuation

    package init(processes: any Runtime, containers: (any Runtime)?, sites: (any Runtime)? = nil) {
        self.processes = processes
        self.containers = containers
        self.sites = sites
        (exits, forward) = AsyncStream.makeStream()
    }

    /// Merges the runtimes' exits into `exits` until cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            for runtime in [processes, containers, sites].compactMap({ $0 }) {
                group.addTask {
                    for await exit in runtime.exits { forward.yield(exit) }
                }
            }
        }
    }

    private func runtime(for instance: Instance) -> any Runtime {
        if instance.site != nil, let sites { return sites }
        return instance.containerID != nil ? (containers ?? processes) : processes
    }

    package func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        switch service.runtime {
        case .process:
            return try await processes.start(release, service: service)
        case .docker:
            guard let containers else {
                throw SlipwayError(.startFailed, "\(service.name) runs on Docker, but this daemon has no Docker engine",
                                   context: ErrorContext(service: service.name))
            }
            return try await containers.start(release, service: service)
        case .staticSite:
            guard let sites else {
                throw SlipwayError(.startFailed, "\(service.name) is a static site, but this daemon has no proxy to serve it",
                                   context: ErrorContext(service: service.name))
            }
            return try await sites.start(release, service: service)
        }
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
