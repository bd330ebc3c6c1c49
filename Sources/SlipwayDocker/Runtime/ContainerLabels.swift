import SlipwayModel

/// The labels that tie containers to services and releases: how Slipway finds its
/// containers again after a restart. Identity only, never configuration: environment values
/// (secrets among them) go in `Env`, which `docker inspect` shows only to who may run containers.
enum ContainerLabels {
    static let service = "slipway.service"
    /// Set outside the default environment only, so containers started before environments existed read as they did.
    static let environment = "slipway.environment"
    static let release = "slipway.release"
    static let deployment = "slipway.deployment"
    static let version = "slipway.version"
    /// The container port the proxy's traffic goes to, so a re-adopted container's published port is found.
    static let port = "slipway.port"
    /// The daemon's state directory: which project a container belongs to when several share an engine.
    static let project = "slipway.project"

    static func container(_ release: Release, containerPort: Int, deployment: String?, project: String?) -> [String: String] {
        var labels = [
            service: release.service,
            self.release: release.id,
            version: release.version,
            port: String(containerPort),
        ]
        if let environment = release.environment { labels[self.environment] = environment }
        if let deployment { labels[self.deployment] = deployment }
        if let project { labels[self.project] = project }
        return labels
    }

    /// Label filters selecting one release's containers.
    static func selecting(_ release: Release) -> [String] {
        ["\(service)=\(release.service)", "\(self.release)=\(release.id)"]
    }

    /// Label filters selecting one service's containers, or every Slipway container.
    static func selecting(service name: String?) -> [String] {
        name.map { ["\(service)=\($0)"] } ?? [service]
    }
}
