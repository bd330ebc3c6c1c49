import SlipwayModel

/// The environment of a service process: the daemon's, then the service's own `env`, then what
/// Slipway sets, which wins.
enum ServiceEnvironment {
    static func compose(base: [String: String], release: Release, service: ServiceConfig, port: Int) -> [String: String] {
        var environment = base
        environment.merge(service.env) { _, service in service }
        environment["PORT"] = String(port)
        environment["SLIPWAY_SERVICE"] = service.name
        environment["SLIPWAY_RELEASE"] = release.id
        environment["SLIPWAY_VERSION"] = release.version
        environment["SLIPWAY_COMMIT"] = release.commit
        return environment
    }
}
