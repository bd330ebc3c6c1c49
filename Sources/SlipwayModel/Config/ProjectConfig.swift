/// A validated `slipway.yml`: decoded once at the edge (SlipwayConfig), then passed around typed.
package struct ProjectConfig: Sendable, Equatable {
    /// Absolute path of the file this was loaded from.
    package var file: String
    /// The default environment's proxy (`proxy:`); with `environments:`, the defaults each
    /// environment's own `proxy:` starts from.
    package var proxy: ProxyConfig
    /// Every service in every environment, each with the settings it has there (`environment`
    /// set, overlays applied): environments in the order the file declares them, and within each,
    /// services in the order of `services:`. Without `environments:`, each service once, in `default`.
    package var services: [ServiceConfig]
    /// The environments in the order the file declares them; without `environments:`, one: `default`
    /// with the top-level proxy.
    package var environments: [EnvironmentConfig]
    /// `databases:` in the order the file declares them.
    package var databases: [DatabaseConfig]
    /// `notify:` in the order the file declares them.
    package var notify: [NotifyChannel]
    /// Every value that came from a `${VAR}` reference, and the notify channels' credentials:
    /// what a `Redactor` built from this config hides.
    package var secrets: [String]
    /// `api:`: the TCP API; nil when only the unix socket serves it.
    package var api: APIConfig?
    /// `github:`: the GitHub webhook's secret; nil when the route refuses every delivery.
    package var github: GitHubConfig?

    package init(file: String, proxy: ProxyConfig, services: [ServiceConfig], databases: [DatabaseConfig] = [],
                notify: [NotifyChannel] = [], secrets: [String] = [], environments: [EnvironmentConfig]? = nil,
                api: APIConfig? = nil, github: GitHubConfig? = nil) {
        self.api = api
        self.github = github
        self.file = file
        self.proxy = proxy
        self.services = services
        self.environments = environments ?? [EnvironmentConfig(name: ServiceKey.defaultEnvironment, proxy: proxy)]
        self.databases = databases
        self.notify = notify
        self.secrets = secrets
    }

    package func database(named name: String) -> DatabaseConfig? {
        databases.first { $0.name == name }
    }

    /// The service in the first environment that has it (the only one without `environments:`).
    package func service(named name: String) -> ServiceConfig? {
        services.first { $0.name == name }
    }

    /// The service as configured in its environment.
    package func service(_ key: ServiceKey) -> ServiceConfig? {
        services.first { $0.key == key }
    }

    package func environment(named name: String) -> EnvironmentConfig? {
        environments.first { $0.name == name }
    }

    /// The services of one environment, in the file's order.
    package func services(in environment: String) -> [ServiceConfig] {
        services.filter { $0.environment == environment }
    }

    /// Whether the file declares `environments:` (else everything lives in `default`).
    package var declaresEnvironments: Bool {
        !(environments.count == 1 && environments[0].isDefault)
    }

    /// The directory holding `slipway.yml`: the git repository releases are exported from.
    package var rootDirectory: String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        let dir = String(file[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// `.slipway/` next to `slipway.yml`: state, releases, logs and the daemon's socket.
    package var stateDirectory: String { rootDirectory + "/.slipway" }
}

package struct ProxyConfig: Sendable, Equatable {
    package var listen: SocketAddressSpec
    /// A client connection whose client makes no progress for this long is closed: no request in
    /// progress (between requests, or still sending a request's head), a request body that stopped
    /// arriving (answered 408), or a response it doesn't read. Idle keep-alive connections, slow
    /// heads and bodies (slowloris) and stalled readers do not hold the proxy's descriptors for ever.
    package var idleTimeout: Duration
    /// `tls:`: HTTPS beside plain HTTP; nil: plain HTTP only.
    package var tls: ProxyTLSConfig?

    package init(listen: SocketAddressSpec = SocketAddressSpec(host: "127.0.0.1", port: 8080),
                idleTimeout: Duration = .seconds(75), tls: ProxyTLSConfig? = nil) {
        self.listen = listen
        self.idleTimeout = idleTimeout
        self.tls = tls
    }
}

/// `host:port` as written in the config (`127.0.0.1:8080`, `[::1]:8080`, `:8080`).
package struct SocketAddressSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; nil when it is not one.
    package init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        self.init(host: host, port: port)
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
