import SlipwayModel

extension DockerRuntime {
    /// `POST /containers/{id}/stop?t=<timeout>` (the stop signal, SIGKILL after the timeout), then
    /// removes the container: a release's image stays for rollback, its stopped container is of no
    /// use. Stopping a container that already exited, or no longer exists, is not an error.
    package func stop(_ instance: Instance, timeout: Duration) async {
        guard let id = instance.containerID else { return }
        if watched[id] != nil {
            watched[id]?.stopRequested = true
        } else if await isAlive(instance) {
            // Alive but not watched (a previous daemon's container nobody adopted): watch it so its
            // exit is reported like any other.
            watched[id] = WatchedContainer(instance: instance, stopRequested: true)
        }
        do {
            try await engine.stopContainer(id, timeout: timeout)
        } catch {
            logger.error("cannot stop container: \(error); removing it by force", metadata: Self.metadata(instance))
        }
        // The event stream may be down, or not run at all: the exit is reported here then.
        if watched[id] != nil, let code = await engine.lookUpContainer(id).ended { report(id, exitCode: code) }
        do {
            try await engine.removeContainer(id, force: true)
            if watched[id] != nil { report(id, exitCode: nil) }
        } catch {
            logger.error("cannot remove container: \(error)", metadata: Self.metadata(instance))
        }
    }
}
