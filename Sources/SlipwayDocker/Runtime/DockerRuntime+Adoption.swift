import SlipwayModel

extension DockerRuntime {
    /// The running containers of a service (every Slipway container without one), found by their
    /// labels: after a daemon restart, what is still running, to re-adopt or to stop, so no
    /// container is orphaned or started twice. Newest first.
    ///
    /// - Throws: `SlipwayError(.dockerUnavailable)` when the engine does not answer.
    package nonisolated func instances(service: String? = nil) async throws -> [Instance] {
        let containers = try await engine.listContainers(labels: ContainerLabels.selecting(service: service), all: false)
        var instances: [Instance] = []
        for container in containers.sorted(by: { $0.created > $1.created }) {
            // Inspected one by one for what the list leaves out (the main process's pid); one that
            // stopped in between is not running any more, so not listed.
            guard let details = try await inspectOrNil(container.id), details.state.running,
                  let instance = Self.instance(from: details) else { continue }
            instances.append(instance)
        }
        return instances
    }

    nonisolated func inspectOrNil(_ id: String) async throws -> ContainerDetails? {
        do {
            return try await engine.inspectContainer(id)
        } catch let error as EngineError {
            throw SlipwayError(.dockerUnavailable, "cannot inspect container \(id.prefix(12)): \(error.message)")
        }
    }

    /// The instance a labelled container is; nil for one without Slipway's labels or a published port.
    static func instance(from details: ContainerDetails) -> Instance? {
        let labels = details.labels
        guard let service = labels[ContainerLabels.service], let release = labels[ContainerLabels.release],
              let containerPort = labels[ContainerLabels.port].flatMap({ Int($0) }),
              let port = details.hostPort(for: containerPort) else { return nil }
        var instance = Instance(service: service, releaseID: release, pid: details.state.pid, port: port, startToken: 0,
                                logFile: "", containerID: details.id)
        instance.environment = labels[ContainerLabels.environment]
        return instance
    }

    /// This project's running containers (by their `slipway.project` label) that are neither
    /// recorded nor watched.
    package func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        guard let project else { return [] }
        let known = Set(recorded.compactMap(\.containerID)).union(watched.keys)
        let filters = [ContainerLabels.service, "\(ContainerLabels.project)=\(project)"]
        guard let containers = try? await engine.listContainers(labels: filters, all: false) else {
            logger.warning("cannot list containers to find unrecorded ones; the engine did not answer")
            return []
        }
        var found: [Instance] = []
        for container in containers where !known.contains(container.id) {
            guard let details = try? await engine.inspectContainer(container.id), details.state.running,
                  let instance = Self.instance(from: details) else { continue }
            found.append(instance)
        }
        return found
    }
}
