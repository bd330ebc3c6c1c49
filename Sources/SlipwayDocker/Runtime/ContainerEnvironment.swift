import SlipwayModel

/// A container's environment: the service's `env`, then what Slipway sets, which wins. Unlike a
/// process, a container does not inherit the daemon's environment: an image is built to run the
/// same anywhere, and the daemon's variables (its `DOCKER_HOST`, its `PATH`) are not its business.
enum ContainerEnvironment {
    static func variables(release: Release, service: ServiceConfig, port: Int) -> [String] {
        var environment = service.env
        environment["PORT"] = String(port)
        environment["SLIPWAY_SERVICE"] = service.name
        environment["SLIPWAY_RELEASE"] = release.id
        environment["SLIPWAY_VERSION"] = release.version
        environment["SLIPWAY_COMMIT"] = release.commit
        return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
