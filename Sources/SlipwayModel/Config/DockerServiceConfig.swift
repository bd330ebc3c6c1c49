/// What runs a service's releases.
package enum ServiceRuntime: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// A supervised local process started from the release directory.
    case process
    /// A container of an image built from the release directory or pulled, through the Docker Engine API.
    case docker
    /// A folder of files served by the proxy itself (`static:`): no process, no container.
    case staticSite = "static"
}

/// The `image:`, `port` and `volumes` of a service with `runtime: docker`.
package struct DockerServiceConfig: Sendable, Equatable {
    package var image: DockerImageSource
    /// `image.context`: the directory of the repository, relative to its root, that an image built
    /// from a Dockerfile is built from (and whose `.dockerignore` applies), as Docker Compose's
    /// `build.context`; nil for the root. The Dockerfile's path is relative to it.
    package var context: String?
    /// `--build-arg`s of an image built from a Dockerfile.
    package var args: [String: String]
    /// The port the service listens on inside its container: where the proxy's traffic goes,
    /// through a loopback port of the host.
    package var port: Int
    package var volumes: [DockerVolume]
    /// `exclusive: true`: two containers of the service must never run at once (its volumes hold
    /// what only one writer may touch), so only `strategy: recreate` is allowed.
    package var exclusive: Bool

    package init(image: DockerImageSource, context: String? = nil, args: [String: String] = [:], port: Int,
                 volumes: [DockerVolume] = [], exclusive: Bool = false) {
        self.image = image
        self.context = context
        self.args = args
        self.port = port
        self.volumes = volumes
        self.exclusive = exclusive
    }

    /// `image.dockerfile`, when the image is built from the release directory.
    package var dockerfile: String? {
        if case .dockerfile(let path) = image { return path }
        return nil
    }

    /// `image.name`, when the image is built elsewhere and pulled.
    package var name: String? {
        if case .name(let name) = image { return name }
        return nil
    }
}

/// Where a release's image comes from: exactly one of the two.
package enum DockerImageSource: Sendable, Equatable, Hashable {
    /// Built from the release directory with this Dockerfile (a path relative to the build
    /// context: `DockerServiceConfig.context`, else the release directory).
    case dockerfile(String)
    /// Built elsewhere (`registry.example/api`, optionally with `:tag` or `@digest`) and pulled.
    case name(String)
}

/// One entry of `volumes:`: a named volume or an absolute host path, mounted at `target`.
package struct DockerVolume: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A volume name (`api-data`) or an absolute host path (`/srv/api/uploads`).
    package var source: String
    /// An absolute path inside the container.
    package var target: String
    package var readOnly: Bool

    package init(source: String, target: String, readOnly: Bool = false) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// True when `source` is a host path rather than a volume name.
    package var isHostPath: Bool { source.hasPrefix("/") }

    /// As written in `slipway.yml` and as the Engine API's `HostConfig.Binds` takes it.
    package var description: String { "\(source):\(target)" + (readOnly ? ":ro" : "") }
}
