/// What runs a service's releases.
public enum ServiceRuntime: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// A supervised local process started from the release directory.
    case process
    /// A container of an image built from the release directory or pulled, through the Docker Engine API.
    case docker
}

/// The `image:`, `port` and `volumes` of a service with `runtime: docker`.
public struct DockerServiceConfig: Sendable, Equatable {
    public var image: DockerImageSource
    /// `--build-arg`s of an image built from a Dockerfile.
    public var args: [String: String]
    /// The port the service listens on inside its container: where the proxy's traffic goes,
    /// through a loopback port of the host.
    public var port: Int
    public var volumes: [DockerVolume]

    public init(image: DockerImageSource, args: [String: String] = [:], port: Int, volumes: [DockerVolume] = []) {
        self.image = image
        self.args = args
        self.port = port
        self.volumes = volumes
    }

    /// `image.dockerfile`, when the image is built from the release directory.
    public var dockerfile: String? {
        if case .dockerfile(let path) = image { return path }
        return nil
    }

    /// `image.name`, when the image is built elsewhere and pulled.
    public var name: String? {
        if case .name(let name) = image { return name }
        return nil
    }
}

/// Where a release's image comes from: exactly one of the two.
public enum DockerImageSource: Sendable, Equatable, Hashable {
    /// Built from the release directory with this Dockerfile (a path relative to that directory).
    case dockerfile(String)
    /// Built elsewhere (`registry.example/api`, optionally with `:tag` or `@digest`) and pulled.
    case name(String)
}

/// One entry of `volumes:`: a named volume or an absolute host path, mounted at `target`.
public struct DockerVolume: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A volume name (`api-data`) or an absolute host path (`/srv/api/uploads`).
    public var source: String
    /// An absolute path inside the container.
    public var target: String
    public var readOnly: Bool

    public init(source: String, target: String, readOnly: Bool = false) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// True when `source` is a host path rather than a volume name.
    public var isHostPath: Bool { source.hasPrefix("/") }

    /// As written in `slipway.yml` and as the Engine API's `HostConfig.Binds` takes it.
    public var description: String { "\(source):\(target)" + (readOnly ? ":ro" : "") }
}
