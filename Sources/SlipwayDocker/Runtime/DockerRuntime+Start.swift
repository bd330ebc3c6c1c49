import Foundation
import SlipwayModel

extension DockerRuntime {
    /// Creates and starts a container of the release's image; returns once the engine says it runs
    /// (not yet healthy), its port being the loopback port the engine published the container port
    /// on. `deployment` becomes the container's `slipway.deployment` label.
    ///
    /// It doesn't wait to see whether the container stays up: the health gate probes at once and, when
    /// a probe fails and the container is gone, reports the exit this runtime put on `exits` (the
    /// container is watched from before it starts) and the container's last output. Waiting here cost
    /// every start a quarter of a second.
    ///
    /// - Throws: `SlipwayError(.startFailed)` when the container cannot be created or started or has
    ///   already exited when the engine is asked (with its last output), `SlipwayError(.dockerUnavailable)`
    ///   without an engine.
    package func start(_ release: Release, service: ServiceConfig, deployment: String?) async throws -> Instance {
        func failure(_ reason: String) -> SlipwayError {
            SlipwayError(.startFailed, "cannot start \(service.name) release \(release.id): \(reason)",
                         context: ErrorContext(service: service.name, deployment: deployment))
        }
        guard let docker = service.docker else {
            throw failure("the service has no container settings (runtime: docker with image: and port:)")
        }
        guard let image = release.image else {
            throw failure("the release has no image; it was not prepared by the Docker release builder")
        }
        let command: [String]?
        do {
            command = service.run.allSatisfy(\.isWhitespace) ? nil : try ShellWords.split(service.run)
        } catch {
            throw failure("run: \(service.run) has an unclosed \(error.quote) quote")
        }
        let portKey = "\(docker.port)/tcp"
        let spec = ContainerSpec(
            image: image,
            cmd: command,
            env: ContainerEnvironment.variables(release: release, service: service, port: docker.port),
            labels: ContainerLabels.container(release, containerPort: docker.port, deployment: deployment, project: project),
            exposedPorts: [portKey: ContainerSpec.Empty()],
            hostConfig: ContainerSpec.HostConfig(
                portBindings: [portKey: [.init(hostIP: "127.0.0.1", hostPort: "")]],
                binds: docker.volumes.map(\.description),
                // Slipway supervises: it sees every exit, records it and restarts with backoff. An
                // engine restart policy would restart behind its back, on a new host port the proxy
                // does not know, and race the controller's own restart.
                restartPolicy: .init(name: "no")))

        await removeDeadContainers(of: release)
        let name = "slipway-\(service.name)-\(release.id)-\(String(UInt16.random(in: .min ... .max), radix: 16))"
        let created: CreatedContainer
        do {
            created = try await engine.createContainer(name: name, spec: spec)
        } catch let error as EngineError {
            throw failure(error.message)
        }
        let id = created.id
        var starting = Instance(service: service.name, releaseID: release.id, pid: 0, port: 0, startToken: 0,
                                   logFile: "", containerID: id)
        starting.key = service.key
        // Watched from before it starts, so an exit the event stream reports at once is not lost.
        watched[id] = WatchedContainer(instance: starting, starting: true)
        do {
            try await engine.startContainer(id)
            let details = try await engine.inspectContainer(id)
            guard let details else { throw failure("its container vanished as it started") }
            if !details.state.running {
                let tail = await logTail(starting, lines: 20)
                throw failure("it exited at once (\(Self.describe(exitCode: details.state.exitCode))); "
                              + "its last output:\n\(tail)")
            }
            guard let port = details.hostPort(for: docker.port) else {
                throw failure("the engine did not publish container port \(docker.port) on 127.0.0.1")
            }
            var instance = starting
            (instance.pid, instance.port) = (details.state.pid, port)
            let entry = watched[id]
            watched[id] = WatchedContainer(instance: instance)
            if entry?.diedDuringStart == true {
                // It died after the engine said it runs: a crash like any other, reported as one.
                report(id, exitCode: entry?.exitCodeDuringStart)
            }
            logger.info("started container \(id.prefix(12)) on 127.0.0.1:\(port)", metadata: Self.metadata(instance))
            return instance
        } catch {
            watched[id] = nil
            try? await engine.removeContainer(id, force: true)
            if let error = error as? EngineError { throw failure(error.message) }
            throw error
        }
    }

    /// Removes the release's stopped containers (earlier crashes) but the newest, which keeps the
    /// last crash's output for whoever looks; a crash loop must not pile up containers. One whose
    /// exit the event stream has not delivered yet is reported first.
    func removeDeadContainers(of release: Release) async {
        guard let containers = try? await engine.listContainers(labels: ContainerLabels.selecting(release), all: true)
        else { return }
        let dead = containers.filter { $0.state != "running" && watched[$0.id]?.starting != true }
            .sorted { $0.created > $1.created }
        for container in dead where watched[container.id] != nil {
            if let code = await engine.lookUpContainer(container.id).ended { report(container.id, exitCode: code) }
        }
        for container in dead.dropFirst() {
            try? await engine.removeContainer(container.id, force: false)
        }
    }

    static func describe(exitCode: Int32?) -> String {
        switch WatchedContainer.exit(code: exitCode) {
        case (let status?, _): "status \(status)"
        case (_, let signal?): "signal \(signal)"
        default: "unknown status"
        }
    }
}
